// @uses-modules catalog, inventory, ordering, payments
import { runsReadmeSection } from '../support/readme-sections';

runsReadmeSection('moves inventory into a module host, and the commands across the two answer as written', '## Extracting a module', ['seams'], [
  '### Parallel run (shadow mode)',
]);
