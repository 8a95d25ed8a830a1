import { devSigningKey, DevKeyFolderError } from '@seams/kernel/security';
import { authOptions, dataDirOf, type Settings } from '../config';

/** `SEAMS_DATA_DIR=<folder>: <what is wrong with its auth folder>`: the one line for a development keys' folder that cannot be used. */
export function devKeyLine(settings: Settings, error: DevKeyFolderError): string {
  const setting = settings.dataDir ? `SEAMS_DATA_DIR=${settings.dataDir}` : `SEAMS_DATA_DIR (not set, so ${dataDirOf(settings)})`;
  return `${setting}: ${error.message}`;
}

/**
 * With the development issuer on, its key is made (or read) before anything starts, so a
 * folder this process may not write is one line naming it and SEAMS_DATA_DIR.
 */
export async function devKeyProblem(settings: Settings): Promise<string | undefined> {
  if (!settings.authDev) return undefined;
  try {
    await devSigningKey(authOptions(settings).authDir);
    return undefined;
  } catch (error) {
    if (error instanceof DevKeyFolderError) return devKeyLine(settings, error);
    throw error;
  }
}
