export { ProblemFilter } from './problem.filter';
export { createValidationPipe, InvalidRequestException, uuidParam } from './validation';
export { requestIdMiddleware } from './request-id.middleware';
export { ApiProblems, ProblemDto, FieldErrorDto } from './problem.dto';
export { PROBLEM_CONTENT_TYPE, STATUS_OF_KIND } from './problem';
export type { Problem, FieldError } from './problem';
export { AuthGuard, Authenticated, Public } from './auth.guard';
