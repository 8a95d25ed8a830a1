// `npm audit --omit=dev --audit-level=high`, where the registry answers audits: fails on a
// high or critical advisory in a production dependency; says so and passes when the registry
// (a mirror, a proxy) does not serve the audit endpoint.
const { spawnSync } = require('node:child_process');

const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.log(`npm audit gave no report (exit ${run.status}); skipped: ${(run.stderr || '').trim().split('\n').pop()}`);
  process.exit(0);
}
if (report.error || report.statusCode >= 400) {
  console.log(`The registry does not answer audits (${report.statusCode ?? ''} ${report.message ?? report.error?.summary ?? ''}); skipped`);
  process.exit(0);
}
const counts = report.metadata?.vulnerabilities ?? {};
console.log(`npm audit (production dependencies): ${JSON.stringify(counts)}`);
if ((counts.high ?? 0) + (counts.critical ?? 0) > 0) {
  console.error('High or critical advisories in production dependencies: run `npm audit --omit=dev` for details');
  process.exit(1);
}
