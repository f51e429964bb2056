// Who is logged in. Tokens live in api/tokens.ts; this keeps the profile (GET /me) in step with
// them and offers login, registration and logout to the pages.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { problemOf, type ProblemSummary } from "../api/problem";
import { tokens } from "../api/tokens";
import type { RegisterRequest, User } from "../api/types";
import { fetchMe, logIn, logOut, registerCustomer } from "./api";

export type AuthState =
  | { status: "checking" }
  | { status: "anonymous"; expired: boolean }
  | { status: "authenticated"; user: User }
  /** Tokens are there but the profile could not be loaded (offline, server error). */
  | { status: "unreachable"; problem: ProblemSummary };

interface Auth {
  state: AuthState;
  user: User | null;
  login: (email: string, password: string) => Promise<void>;
  register: (input: RegisterRequest) => Promise<void>;
  logout: () => Promise<void>;
  /** After the account was deleted: forget the session locally. */
  forget: () => void;
  setUser: (user: User) => void;
  reload: () => void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>(() =>
    tokens.hasSession() ? { status: "checking" } : { status: "anonymous", expired: false },
  );
  const [generation, setGeneration] = useState(0);

  // Load the profile whenever a session exists and we do not know its user yet.
  const needsProfile = state.status === "checking";
  useEffect(() => {
    if (!needsProfile) return undefined;
    let cancelled = false;
    fetchMe().then(
      (user) => !cancelled && setState({ status: "authenticated", user }),
      (error: unknown) => {
        if (cancelled) return;
        const problem = problemOf(error);
        if (problem.status === 401 || problem.status === 403) {
          tokens.clear("expired");
          setState({ status: "anonymous", expired: true });
        } else {
          setState({ status: "unreachable", problem });
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [needsProfile, generation]);

  // Sessions ended elsewhere: a failed refresh, or a logout/login in another tab.
  useEffect(
    () =>
      tokens.subscribe((change) => {
        if (change === "set") setState((s) => (s.status === "authenticated" ? s : { status: "checking" }));
        else setState({ status: "anonymous", expired: change === "expired" });
      }),
    [],
  );

  const login = useCallback(async (email: string, password: string) => {
    const pair = await logIn(email, password);
    // The token subscription below moves the state to "checking", which loads the profile.
    tokens.set(pair);
  }, []);

  const register = useCallback(
    async (input: RegisterRequest) => {
      await registerCustomer(input);
      await login(input.email, input.password);
    },
    [login],
  );

  const logout = useCallback(async () => {
    const refreshToken = tokens.refresh();
    tokens.clear("logout");
    setState({ status: "anonymous", expired: false });
    if (refreshToken) {
      // Best effort: the session is gone locally either way.
      await logOut(refreshToken).catch(() => undefined);
    }
  }, []);

  const forget = useCallback(() => {
    tokens.clear("logout");
    setState({ status: "anonymous", expired: false });
  }, []);

  const setUser = useCallback((user: User) => setState({ status: "authenticated", user }), []);
  const reload = useCallback(() => {
    setState({ status: "checking" });
    setGeneration((g) => g + 1);
  }, []);

  const value = useMemo<Auth>(
    () => ({
      state,
      user: state.status === "authenticated" ? state.user : null,
      login,
      register,
      logout,
      forget,
      setUser,
      reload,
    }),
    [state, login, register, logout, forget, setUser, reload],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
