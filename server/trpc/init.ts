import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { AppError, ERRORS, isErrorCode, type ErrorCode } from '../../shared/errors';
import { ACCESS } from '../../shared/roles';
import { projectRef } from '../../shared/schemas';
import { projectAccess, requireAccess, type ProjectAccess } from '../domain/accounts/access';
import type { UserRow } from '../domain/accounts/users';
import { resolveSession } from '../domain/accounts/sessions';
import type { Context } from './context';

function zodMessage(err: ZodError): string {
  return err.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Maps domain errors to tRPC errors; the app code travels as `data.appCode`. */
export function toTRPCError(err: unknown): unknown {
  if (err instanceof AppError) {
    return new TRPCError({ code: ERRORS[err.code].status, message: err.message, cause: err });
  }
  return err;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let appCode: ErrorCode | null = cause instanceof AppError ? cause.code : null;
    let message = shape.message;
    if (cause instanceof ZodError) {
      appCode = 'INVALID_INPUT';
      message = zodMessage(cause);
    } else if (error.code === 'INTERNAL_SERVER_ERROR' && !(cause instanceof AppError)) {
      // Never leak internals (SQL, paths) to callers; the log has the details.
      appCode = 'INTERNAL';
      message = ERRORS.INTERNAL.message;
    }
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message, data: { ...data, appCode: isErrorCode(appCode) ? appCode : null } };
  },
});

export const router = t.router;

const errorMapping = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    result.error = new TRPCError({ code: ERRORS[cause.code].status, message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(errorMapping);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  // A WebSocket's context is made once per connection: look the session up again on every call,
  // so a sign-out, an expiry or a lost admin flag takes effect at once there too.
  const user = ctx.res === null ? await resolveSession(ctx.dc, ctx.sessionToken) : ctx.user;
  if (!user) throw new AppError('UNAUTHENTICATED');
  return next({ ctx: { ...ctx, user: user as UserRow } });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.isAdmin) throw new AppError('ADMIN_ONLY');
  return next();
});

/**
 * A procedure on one project: validates `projectPath`, resolves the caller's access and
 * requires at least `min`. Further `.input(...)` objects merge with `{ projectPath }`.
 */
export function projectProcedure(min: number = ACCESS.viewer) {
  return authedProcedure.input(projectRef).use(async ({ ctx, input, next }) => {
    const pa: ProjectAccess = await projectAccess(ctx.dc.db, ctx.user, input.projectPath);
    requireAccess(pa, min);
    return next({ ctx: { ...ctx, pa } });
  });
}
