// @uses-modules catalog, inventory, ordering, payments
import { runsReadmeSection } from '../support/readme-sections';

runsReadmeSection('runs catalog in shadow mode, and the recipe reports the difference the README shows', '### Parallel run (shadow mode)', ['seams', 'postgres']);
