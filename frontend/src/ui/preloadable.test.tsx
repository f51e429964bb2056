import { act, render, screen } from "@testing-library/react";
import { Suspense } from "react";
import { describe, expect, it } from "vitest";
import { preloadable } from "./preloadable";

function Hello({ name }: { name: string }) {
  return <p>hello {name}</p>;
}

describe("preloadable", () => {
  it("renders at once, without its fallback, once preloaded", async () => {
    const { Component, preload } = preloadable(() => Promise.resolve({ default: Hello }));
    await preload();
    render(
      <Suspense fallback={<p>loading</p>}>
        <Component name="kitchen" />
      </Suspense>,
    );
    expect(screen.getByText("hello kitchen")).toBeInTheDocument();
    expect(screen.queryByText("loading")).toBeNull();
  });

  it("suspends like lazy when not loaded yet, and loads once", async () => {
    let loads = 0;
    const { Component, preload } = preloadable(() => {
      loads += 1;
      return Promise.resolve({ default: Hello });
    });
    render(
      <Suspense fallback={<p>loading</p>}>
        <Component name="counter" />
      </Suspense>,
    );
    expect(screen.getByText("loading")).toBeInTheDocument();
    await act(async () => {
      await preload();
    });
    expect(await screen.findByText("hello counter")).toBeInTheDocument();
    expect(loads).toBe(1);
  });
});
