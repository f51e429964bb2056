// The last net: a rendering error shows an apology with a way back instead of a blank page.
import { Component, type ErrorInfo, type ReactNode } from "react";
import { useI18n } from "../i18n";

interface Props {
  children: ReactNode;
  /** Changing it (e.g. the URL) clears the error. */
  resetKey?: string;
}

interface State {
  error: Error | null;
  resetKey: string | undefined;
}

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { error: null, resetKey: props.resetKey };
    return null;
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("OC Pizza: rendering failed", error, info.componentStack);
  }

  render() {
    if (this.state.error) return <Crash onRetry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}

function Crash({ onRetry }: { onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <div className="page page--narrow">
      <div className="panel panel--error" role="alert">
        <h1>{t("crash.title")}</h1>
        <p>{t("crash.text")}</p>
        <div className="button-row">
          <button type="button" className="button" onClick={onRetry}>
            {t("common.retry")}
          </button>
          <a className="button button--ghost" href="/">
            {t("crash.home")}
          </a>
        </div>
      </div>
    </div>
  );
}
