import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Link, MemoryRouter, Route, Routes, useNavigate } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TOAST_MS, ToastPageWatch, ToastProvider, useToast } from "./Toast";

function Menu() {
  const toast = useToast();
  const navigate = useNavigate();
  return (
    <>
      <button type="button" onClick={() => toast("Ajouté au panier : 1 × Reine")}>
        add
      </button>
      <button type="button" onClick={() => navigate("?product=p1")}>
        open product
      </button>
      <button
        type="button"
        onClick={() => {
          toast("Modifications enregistrées.", { carry: true });
          navigate("/orders/1");
        }}
      >
        save
      </button>
      <Link to="/login">login</Link>
    </>
  );
}

function renderApp() {
  return render(
    <ToastProvider>
      <MemoryRouter initialEntries={["/shops/s1"]}>
        <ToastPageWatch />
        <Routes>
          <Route path="/shops/:shopId" element={<Menu />} />
          <Route path="/login" element={<p>login page</p>} />
          <Route path="/orders/:id" element={<Link to="/orders">all orders</Link>} />
          <Route path="/orders" element={<p>orders page</p>} />
        </Routes>
      </MemoryRouter>
    </ToastProvider>,
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe("toasts", () => {
  it("are dismissed when the page changes, not when a dialog opens in the query string", async () => {
    const user = userEvent.setup();
    renderApp();
    await user.click(screen.getByRole("button", { name: "add" }));
    expect(screen.getByRole("status")).toHaveTextContent("Ajouté au panier");
    await user.click(screen.getByRole("button", { name: "open product" }));
    expect(screen.getByRole("status")).toHaveTextContent("Ajouté au panier");
    await user.click(screen.getByRole("link", { name: "login" }));
    expect(await screen.findByText("login page")).toBeInTheDocument();
    expect(screen.getByRole("status")).toBeEmptyDOMElement();
  });

  it("go away by themselves after a short while", () => {
    vi.useFakeTimers();
    renderApp();
    act(() => screen.getByRole("button", { name: "add" }).click());
    expect(screen.getByRole("status")).toHaveTextContent("Ajouté au panier");
    expect(TOAST_MS).toBeLessThanOrEqual(3000);
    act(() => vi.advanceTimersByTime(TOAST_MS));
    expect(screen.getByRole("status")).toBeEmptyDOMElement();
  });

  it("announced with the navigation they go with, show on the next page only", async () => {
    const user = userEvent.setup();
    renderApp();
    await user.click(screen.getByRole("button", { name: "save" }));
    expect(await screen.findByRole("link", { name: "all orders" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Modifications enregistrées.");
    await user.click(screen.getByRole("link", { name: "all orders" }));
    expect(await screen.findByText("orders page")).toBeInTheDocument();
    expect(screen.getByRole("status")).toBeEmptyDOMElement();
  });
});
