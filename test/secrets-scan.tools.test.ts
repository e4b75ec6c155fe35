/**
 * No secret value in the repository: every tracked (and new, not ignored) file, dist/ included, is scanned for
 * private key blocks, AWS access key ids, password/token/secret-key fields with literal values, and
 * high-entropy strings. The allow-list is short and each entry says why it is not a secret.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers';

interface Hit { file: string; line: number; rule: string; text: string }

/** Files not scanned at all: upstream CRDs (byte-for-byte vendored, hashes in ../shared/crds/README.md) and code generated from them. */
const SKIP_FILES = [/^crds\//, /^imports\//];

/** Accepted hits: [file pattern, rule, text pattern, why]. */
const ALLOW: [RegExp, string, RegExp, string][] = [
  // [file, rule, text, why]: add with care
  [/^lib\/images\/signature-policy\.ts$/, 'high-entropy', /^ClusterImagePolicy[A-Za-z0-9]+Spec$/, 'the name of a generated type (imports/), not a value'],
];

const PRIVATE_KEY = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/;
const AWS_KEY_ID = /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/;
/** A field named like a credential, assigned a literal (YAML, JSON, env files, shell, TypeScript). */
const SECRET_FIELD = /(?:^|[\s{,"'])((?:[A-Za-z_]*_)?(?:password|passwd|pwd|token|secret_?key|secretkey|api_?key|access_?key|private_?key|client_?secret))["']?\s*[:=]\s*(["'`]?)([^\s"'`,;)}#]+)/i;
/**
 * Fields named just `secret` or `key` usually hold a name (of a Secret, a key in it, a label key), so
 * their value counts only when it looks generated: letters and digits, at least 8 characters, not a name.
 */
const BARE_FIELD = /(?:^|[\s{,"'])((?:[A-Za-z_]*_)?(?:secret|key))["']?\s*[:=]\s*(["'`]?)([^\s"'`,;)}#]+)/i;
const NAME_LIKE = /^[a-z0-9]+([-._\/][a-z0-9]+)*$|^[A-Z0-9]+(_[A-Z0-9]+)*$|^[A-Za-z]+$/;
/** Values that are not literals: references, placeholders, variables, types, empty. */
const NOT_A_LITERAL = /^(\$|<|\{\{|\(|process\.env|os\.environ|os\.getenv|env\.|secrets\.|z\.|string|boolean|true|false|null|undefined|REPLACE|CHANGE_?ME|x+$|\*+$|\.\.\.|[\^~>=]*\d+\.\d+)|\$\{/i;
/** Source files, where an unquoted value is a variable, not a literal. */
const CODE = /\.(ts|js|mjs|cjs)$/;

function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** Long tokens of base64/hex characters that look random (mixed case and digits, high entropy). */
function highEntropyTokens(line: string): string[] {
  const out: string[] = [];
  // Path segments are judged on their own: a URL or an API path is a series of words, not one random string.
  for (const m of line.matchAll(/[A-Za-z0-9+=_]{20,}|[a-f0-9]{32,}/g)) {
    const t = m[0];
    const hex = /^[a-f0-9]+$/.test(t);
    const mixed = /[a-z]/.test(t) && /[A-Z]/.test(t) && /[0-9]/.test(t);
    if (hex ? shannon(t) > 3.5 : mixed && shannon(t) > 4.2) out.push(t);
  }
  return out;
}

export function scanText(file: string, text: string): Hit[] {
  const hits: Hit[] = [];
  text.split('\n').forEach((line, i) => {
    const at = (rule: string, t: string) => hits.push({ file, line: i + 1, rule, text: t });
    if (PRIVATE_KEY.test(line)) at('private-key', line.trim());
    const aws = AWS_KEY_ID.exec(line);
    if (aws) at('aws-access-key-id', aws[0]);
    const f = SECRET_FIELD.exec(line);
    // A literal: not a reference or placeholder, not a kebab-case name (a Secret or key name), quoted in source code.
    if (f && !NOT_A_LITERAL.test(f[3]) && f[3].length >= 4 && !/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(f[3]) && (f[2] || !CODE.test(file))) {
      at('secret-field', `${f[1]}=${f[3]}`);
    }
    const b = BARE_FIELD.exec(line);
    if (b && !NOT_A_LITERAL.test(b[3]) && b[3].length >= 8 && /\d/.test(b[3]) && /[A-Za-z]/.test(b[3]) && !NAME_LIKE.test(b[3]) && (b[2] || !CODE.test(file))) {
      at('secret-field', `${b[1]}=${b[3]}`);
    }
    // Image digests (sha256:...) and npm integrity hashes (sha512-...) are public checksums, not secrets.
    for (const t of highEntropyTokens(line.replace(/(sha256|sha512|sha1)[:-][A-Za-z0-9+/=]+/g, ''))) at('high-entropy', t);
  });
  return hits;
}

/** The hits no allow-list entry accepts; `used` collects the entries that accepted one. */
function unexplained(hits: Hit[], used: Set<number>): Hit[] {
  return hits.filter((h) => {
    const i = ALLOW.findIndex(([fp, rule, tp]) => fp.test(h.file) && rule === h.rule && tp.test(h.text));
    if (i >= 0) used.add(i);
    return i < 0;
  });
}

function repositoryFiles(): string[] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter(Boolean);
  const files = new Set([...git('ls-files'), ...git('ls-files', '--others', '--exclude-standard')]);
  for (const f of fs.readdirSync(path.join(ROOT, 'dist'), { recursive: true }) as string[]) {
    if (fs.statSync(path.join(ROOT, 'dist', f)).isFile()) files.add(`dist/${f.split(path.sep).join('/')}`);
  }
  return [...files].filter((f) => !SKIP_FILES.some((s) => s.test(f)) && fs.existsSync(path.join(ROOT, f))).sort();
}

describe('secret scan', () => {
  test('the detectors find what they must (self-test)', () => {
    const key = ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' ');
    const awsId = ['AKIA', 'Q3EGRIXKZ7WL5NBT'].join('');
    const cases: [string, string][] = [
      [key, 'private-key'],
      [`aws_access_key_id = ${awsId}`, 'aws-access-key-id'],
      [['password', ': hunter2xyz'].join(''), 'secret-field'],
      [['  "api_key"', ': "abc123def"'].join(''), 'secret-field'],
      [['REDIS_PASSWORD', '=s3cr3t!'].join(''), 'secret-field'],
      [['  secret', ': Zx81kQ7', 'p!'].join(''), 'secret-field'],
      [['signing_key', ' = "4fG7hK2m9Q"'].join(''), 'secret-field'],
      [['token: ', 'gh', 'p_', 'R7f9Kq2LmX8', 'vT4zW1nB6yH', '3cJ5dP0sA9eU2i'].join(''), 'high-entropy'],
    ];
    for (const [text, rule] of cases) expect({ text, rules: scanText('fixture.yaml', text).map((h) => h.rule) }).toEqual({ text, rules: expect.arrayContaining([rule]) });
    // References and placeholders are not values.
    for (const text of ['secretKey: connection-string', 'password: "${REDIS_PASSWORD}"', 'REDIS_PASSWORD=$(cat /run/secrets/redis-password)',
      'key: redis-password', 'token: <token>', 'password=os.environ["REDIS_PASSWORD"]', 'key: app.kubernetes.io/component', "key: 'NOPE_ENV'", 'secret: db-secrets', 'key: tls.crt', 'image: ghcr.io/x/y@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9']) {
      expect({ text, hits: scanText('fixture.yaml', text) }).toEqual({ text, hits: [] });
    }
  });

  test('no tracked file and nothing in dist/ looks like a secret value', () => {
    const files = repositoryFiles();
    expect(files.some((f) => f.startsWith('dist/production/'))).toBe(true);
    expect(files).toContain('config/production.yaml');
    const hits: Hit[] = [];
    const used = new Set<number>();
    for (const f of files) {
      const buf = fs.readFileSync(path.join(ROOT, f));
      if (buf.includes(0)) continue; // binary
      hits.push(...unexplained(scanText(f, buf.toString('utf8')), used));
    }
    expect(hits.map((h) => `${h.file}:${h.line} ${h.rule} ${h.text}`)).toEqual([]);
    // The allow-list stays tight: an entry nothing needs any more is removed.
    expect(ALLOW.filter((_, i) => !used.has(i)).map(([f, r, t]) => `${f} ${r} ${t}`)).toEqual([]);
  });

  test('dist/ has no Secret object and no data/stringData of one', () => {
    const files = repositoryFiles().filter((f) => f.startsWith('dist/'));
    for (const f of files) expect({ f, secret: /^kind: Secret$/m.test(fs.readFileSync(path.join(ROOT, f), 'utf8')) }).toEqual({ f, secret: false });
  });
});
