export { ProblemFilter } from './problem.filter';
export { createValidationPipe, InvalidRequestException, uuidParam } from './validation';
export { requestIdMiddleware } from './request-id.middleware';
export { ApiProblems, ProblemDto, FieldErrorDto, withProblemExample } from './problem.dto';
export { PROBLEM_CONTENT_TYPE, STATUS_OF_KIND, problemType, problemOptions, DEFAULT_PROBLEM_OPTIONS } from './problem';
export type { Problem, FieldError, ProblemOptions } from './problem';
export { AuthGuard, Authenticated, Public } from './auth.guard';
