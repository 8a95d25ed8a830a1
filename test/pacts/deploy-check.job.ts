// @uses-modules catalog, inventory, ordering, payments
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSnapshots, describeFinding } from '../../tools/contracts/compatibility';
import { parseSnapshot, snapshotOf } from '../../tools/contracts/snapshot';
import { MANIFESTS } from '../../src/host/manifests';
import { startCluster } from '../support/cluster';
import { ROOT } from '../support/processes';
import { buildRelease } from '../support/releases';
import { pactFilesOf, readPact } from './pacts';
import { DECLINE_ABOVE, ProviderUnderTest, type Verification } from './verify';

/**
 * The work of `npm run deploy:check` (tools/deploy-check), run by Jest because it starts the
 * shop's processes as the tests do; never part of `npm test` (not a `.spec.ts`). Input in
 * SEAMS_DEPLOY_CHECK (JSON: the modules to deploy now, the release or git ref the rest of the
 * system runs, the report's path); the report is JSON: `{ yes, reasons, checked }`.
 *
 * A module may go out now, with everything else at `against`, when:
 *   1. its published messages have no breaking change from their snapshot at `against`;
 *   2. the pacts its consumers committed at `against` pass against its code now (the consumers
 *      there still work with it), verified with every module in this process;
 *   3. its own pacts now pass against its providers as built at `against` (it still works with
 *      them), verified with each provider in a module host running that release's build.
 * With `each`, every module is checked alone against the rest at `against`: one cluster of the
 * code now for 2, one of `against`'s build for 3 (a pact's verification runs only its provider).
 */
interface Input {
  readonly modules: readonly string[];
  /** Each module on its own, the rest at `against` (CI's check of N against N-1); else the modules together. */
  readonly each?: boolean;
  readonly against: string;
  readonly report: string;
}

interface Report {
  yes: boolean;
  reasons: string[];
  checked: string[];
}

const input = JSON.parse(process.env.SEAMS_DEPLOY_CHECK ?? 'null') as Input;
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const env = { PAYMENTS_DECLINE_ABOVE_MINOR: String(DECLINE_ABOVE) };

/** The failures of a verification, one line each: who relies on what, and how it differs. */
function failuresOf(verification: Verification): string[] {
  try {
    const report = JSON.parse(verification.report) as { errors: { interaction: string; mismatch: { mismatches?: { path?: string; mismatch: string }[]; message?: string } }[] };
    return report.errors.map((error) => `${error.interaction}: ${(error.mismatch.mismatches ?? []).map((m) => `${m.path ?? ''} ${m.mismatch}`.trim()).join('; ') || error.mismatch.message || 'failed'}`);
  } catch {
    return [verification.report.split('\n')[0]];
  }
}

describe('deploy:check', () => {
  it('answers whether the modules can go out now', async () => {
    const report: Report = { yes: true, reasons: [], checked: [] };
    const no = (reason: string) => {
      report.yes = false;
      report.reasons.push(reason);
    };
    const current = snapshotOf(MANIFESTS);

    // 1. Published messages against their snapshot at `against`.
    for (const module of input.modules) {
      let text: string;
      try {
        text = git('show', `${input.against}:contracts/${module}.json`);
      } catch {
        report.checked.push(`${module}: no contract snapshot at ${input.against} (a new module): nothing of it can be relied on there`);
        continue;
      }
      const { breaking } = compareSnapshots([parseSnapshot(text, `${input.against}:contracts/${module}.json`)], current.filter((snapshot) => snapshot.module === module));
      for (const finding of breaking) no(`breaking change to a published message since ${input.against}: ${describeFinding(finding)}`);
      report.checked.push(`${module}: published messages compared with their snapshot at ${input.against} (${breaking.length} breaking)`);
    }

    // 2. The pacts consumers committed at `against`, against these modules' code now.
    const listed = git('ls-tree', '--name-only', input.against, 'contracts/pacts/').split('\n').filter((path) => path.endsWith('.json'));
    const theirs = mkdtempSync(join(tmpdir(), 'seams-deploy-check-'));
    const byProvider = new Map<string, string[]>();
    for (const path of listed) {
      const file = join(theirs, path.split('/').pop()!);
      writeFileSync(file, git('show', `${input.against}:${path}`));
      const provider = readPact(file).provider.name;
      if (input.modules.includes(provider)) byProvider.set(provider, [...(byProvider.get(provider) ?? []), file]);
    }
    if (byProvider.size === 0) report.checked.push(`consumers' pacts at ${input.against} naming ${input.modules.join(', ')}: none`);
    else {
      const subject = new ProviderUnderTest(await startCluster({ remote: [], env }));
      await subject.open();
      try {
        for (const [provider, files] of byProvider) {
          const verification = await subject.verify(provider, files);
          for (const failure of failuresOf(verification)) if (!verification.ok) no(`${provider} now breaks a pact its consumer committed at ${input.against}: ${failure}`);
          report.checked.push(`${provider}: ${files.length} consumer pact(s) of ${input.against} verified against its code now (${verification.ok ? 'pass' : 'FAIL'})`);
        }
      } finally {
        await subject.close();
        await subject.cluster.close();
      }
    }

    // 3. These modules' own pacts now, against their providers as built at `against`.
    const ours = new Map<string, string[]>();
    for (const file of pactFilesOf()) {
      const pact = readPact(file);
      const mine = input.each ? input.modules.includes(pact.consumer.name) : input.modules.includes(pact.consumer.name) && !input.modules.includes(pact.provider.name);
      if (mine) ours.set(pact.provider.name, [...(ours.get(pact.provider.name) ?? []), file]);
    }
    if (ours.size === 0) report.checked.push(`pacts of ${input.modules.join(', ')} with modules staying at ${input.against}: none`);
    else {
      const build = await buildRelease(input.against);
      const providers = [...ours.keys()];
      const subject = new ProviderUnderTest(await startCluster({ remote: providers, env, hostBuild: (module) => (providers.includes(module) ? build : undefined) }));
      await subject.open();
      try {
        for (const [provider, files] of ours) {
          const verification = await subject.verify(provider, files);
          for (const failure of failuresOf(verification)) if (!verification.ok) no(`${provider} as of ${input.against} breaks a pact of ${input.modules.join(', ')} now: ${failure}`);
          report.checked.push(`${provider} at ${input.against} (${build.commit.slice(0, 12)}, in a host of its own): ${files.length} pact(s) verified (${verification.ok ? 'pass' : 'FAIL'})`);
          // A pending interaction does not fail the check, but one the old provider cannot answer says what must wait.
          for (const file of files) {
            const pact = readPact(file);
            for (const interaction of pact.interactions.filter((candidate) => candidate.pending && candidate.type === 'Synchronous/Messages')) {
              const expected = interaction.response?.[0]?.contents.content.ok;
              const reply = subject.replies.get(interaction.description);
              if (reply && reply.ok !== expected) {
                const code = reply.ok ? 'an answer' : reply.error.code;
                report.checked.push(
                  `pending: ${pact.consumer.name}'s "${interaction.description}" is not yet met by ${provider} at ${input.against.slice(0, 12)} (${code}): ${pact.consumer.name} must not rely on it until ${provider} is at this release everywhere`,
                );
              }
            }
          }
        }
      } finally {
        await subject.close();
        await subject.cluster.close();
      }
    }
    writeFileSync(input.report, JSON.stringify(report, null, 2));
  }, 900_000);
});
