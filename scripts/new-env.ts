/**
 * `npm run new-env -- <name> --from <env>`: writes config/<name>.yaml from config/<env>.yaml with every value
 * that would collide with the source replaced by a CHANGE-ME placeholder (lib/config/new-env.ts). The synth
 * refuses the file until each placeholder is set.
 */
import * as path from 'path';
import { createEnvironment, NewEnvError } from '../lib/config/new-env';

function run(argv: string[]): number {
  const configDir = path.resolve('config');
  let name: string | undefined;
  let from: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--from') from = argv[++i];
    else if (argv[i].startsWith('--from=')) from = argv[i].slice('--from='.length);
    else if (argv[i].startsWith('-')) throw new NewEnvError(`new-env: unknown option "${argv[i]}" (usage: npm run new-env -- <name> --from <env>)`);
    else if (name === undefined) name = argv[i];
    else throw new NewEnvError(`new-env: one environment name only, got "${name}" and "${argv[i]}" (usage: npm run new-env -- <name> --from <env>)`);
  }
  const out = createEnvironment(configDir, name, from);
  process.stdout.write([
    `new-env: wrote config/${name}.yaml from config/${from}.yaml; set the ${out.placeholders.length} placeholder(s) (CHANGE-ME):`,
    ...out.placeholders.map((p) => `  ${p}`),
    `then: npm run synth   (writes dist/${name}/; the synth refuses the file while a placeholder is left)`,
    '',
  ].join('\n'));
  return 0;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof NewEnvError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
}
