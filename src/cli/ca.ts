import { defaultCaDir, LocalCa } from '../proxy/index.js';
import { databaseUrl, program } from './common.js';

/**
 * `regcomp ca`: the proxy's CA certificate, for clients to trust. It makes the CA when there is
 * none yet, so trust can be set up before the first server starts with PROXY_PORT.
 */
program
  .command('ca')
  .description("Print the path of the proxy's CA certificate (making the CA if there is none), or with --pem the certificate")
  .option('--pem', 'print the certificate (PEM) instead of its path')
  .option('--dir <dir>', 'the CA directory (default: $PROXY_CA_DIR, else beside the SQLite file, else ./data/ca)')
  .action(async (options: { pem?: boolean; dir?: string }) => {
    const ca = await LocalCa.open(options.dir ?? (process.env.PROXY_CA_DIR || defaultCaDir(databaseUrl())));
    process.stdout.write(options.pem ? ca.certPem : `${ca.certPath}\n`);
  });
