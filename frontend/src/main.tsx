import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, preloadStaff } from "./app/App";
import "./styles.css";

const root = document.getElementById("root");
if (root) {
  const render = () =>
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  // A staff screen's code first (a few tens of ms), so it draws without waiting on Suspense.
  void preloadStaff().then(render, render);
}
