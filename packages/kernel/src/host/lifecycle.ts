export { Lifecycle } from '../context';
