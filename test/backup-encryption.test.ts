/** Backups: every base backup and WAL file the Barman Cloud plugin writes asks for server-side encryption. */
import { find, objectsOf } from './helpers';
import { fixtureWith } from './security-helpers';

const store = (change: object) => {
  const o = objectsOf(fixtureWith('onprem', change));
  return find(o, 'ObjectStore', 'pensioen-db-backups').spec.configuration;
};

test('AES256 by default on base backups and WAL; aws:kms when configured; the bucket\'s own policy only when asked for', () => {
  const d = store({});
  expect([d.data.encryption, d.wal.encryption]).toEqual(['AES256', 'AES256']);
  const kms = store({ database: { cloudnativePg: { backup: { objectStore: { encryption: 'aws:kms' } } } } });
  expect([kms.data.encryption, kms.wal.encryption]).toEqual(['aws:kms', 'aws:kms']);
  const bucket = store({ database: { cloudnativePg: { backup: { objectStore: { encryption: 'bucket-default' } } } } });
  expect([bucket.data.encryption, bucket.wal.encryption]).toEqual([undefined, undefined]);
  expect(() => fixtureWith('onprem', { database: { cloudnativePg: { backup: { objectStore: { encryption: 'none' } } } } }))
    .toThrow(/database\.cloudnativePg\.backup\.objectStore\.encryption: got "none"/);
});
