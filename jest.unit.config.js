/**
 * `npm test`: the in-process lane, with the small test files loaded together in a few shards
 * (test/lanes/select.js says why and which files stay on their own). The same tests as `npx jest`
 * (jest.config.js), which runs each file by itself: use that to run one file.
 */
const path = require('path');
const base = require('./jest.config.js');
const { unitFiles } = require('./test/lanes/select.js');

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: [
    ...base.testPathIgnorePatterns.filter((p) => !p.includes('/test/lanes/')),
    ...unitFiles().filter((f) => !f.standalone).map((f) => `/test/${escape(path.basename(f.file))}$`),
  ],
};
