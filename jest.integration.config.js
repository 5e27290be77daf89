/**
 * The integration suite (`npm run test:integration`): the bundled functions against moto_server, cfn-lint over the
 * synthesized templates, the fault soak. Needs Python tools: pip install "moto[server]" cfn-lint. Kept out of
 * `npm test` so that the unit suite runs without Python. Files run one at a time: each starts its own moto_server
 * and Lambda environments, and the machine's cores are better spent inside one file.
 * @type {import('jest').Config}
 */
const unit = require('./jest.config.js');

module.exports = {
  ...unit,
  roots: ['<rootDir>/test/integration'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 600000,
};
