import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError, setUnauthorizedHandler } from './api/client';
import { useMe } from './api/queries';
import type { Me } from './api/types';
import { PageLoading } from './components/PageLoading';

/** Where to come back to after signing in: the path, search and hash the user was on. */
export function loginPath(from: { pathname: string; search: string; hash: string }, expired = false): string {
  const next = from.pathname + from.search + from.hash;
  const p = new URLSearchParams();
  if (next && next !== '/') p.set('next', next);
  if (expired) p.set('expired', '1');
  const s = p.toString();
  return '/login' + (s ? `?${s}` : '');
}

/** Only a path inside this app (never another origin) is a valid place to return to. */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/login')) return '/';
  return raw;
}

/**
 * Guards the signed-in part of the app. No session → the login page, remembering where the
 * user was; a 401 later (session expired) does the same from wherever it happens.
 */
export function AuthGate() {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      const here = window.location;
      if (here.pathname.startsWith('/login')) return;
      // Leave for the login page first (outside this gate), then forget the old session's data.
      navigate(loginPath({ pathname: here.pathname, search: here.search, hash: here.hash }, true), { replace: true });
      setTimeout(() => qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' }), 0);
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, qc]);

  if (me.isPending) return <PageLoading />;
  if (me.error instanceof ApiError && me.error.status === 401) return <Navigate to={loginPath(location)} replace />;
  if (!me.data) return <Navigate to={loginPath(location)} replace />;
  return <Outlet />;
}

export function useCurrentUser(): Me {
  const me = useMe();
  if (!me.data) throw new Error('useCurrentUser outside AuthGate');
  return me.data;
}

export function can(me: Me, permission: string): boolean {
  return me.permissions.includes(permission);
}
