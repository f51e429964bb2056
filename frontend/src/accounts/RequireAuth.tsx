// Pages for logged-in users: others are sent to the login page and brought back afterwards.
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { useAuth } from "./AuthContext";

export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, reload } = useAuth();
  const location = useLocation();
  if (state.status === "checking") return <div className="page"><Loading /></div>;
  if (state.status === "unreachable")
    return (
      <div className="page">
        <ErrorPanel problem={state.problem} onRetry={reload} />
      </div>
    );
  if (state.status === "anonymous")
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}
