import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError, fieldProblem, toProblem } from "../api/problem";
import { useSubmit } from "./useSubmit";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("a form's submission", () => {
  it("is busy while the request runs, then gives back its answer", async () => {
    const { result } = renderHook(() => useSubmit());
    const answer = deferred<string>();
    let outcome: Promise<string | undefined> | undefined;
    act(() => {
      outcome = result.current.submit(() => answer.promise);
    });
    expect(result.current.busy).toBe(true);
    await act(async () => answer.resolve("order-1"));
    await expect(outcome).resolves.toBe("order-1");
    expect(result.current.busy).toBe(false);
    expect(result.current.problem).toBeNull();
  });

  it("keeps the server's problem for the form, and the next attempt clears it", async () => {
    const { result } = renderHook(() => useSubmit());
    const refused = new ApiError(toProblem({ status: 409, detail: "out of goat cheese" }, 409));
    let outcome: unknown = "not yet";
    await act(async () => {
      outcome = await result.current.submit(() => Promise.reject(refused));
    });
    expect(outcome).toBeUndefined();
    expect(result.current.busy).toBe(false);
    expect(result.current.problem).toMatchObject({ status: 409, detail: "out of goat cheese" });

    const retry = deferred<void>();
    act(() => {
      void result.current.submit(() => retry.promise);
    });
    expect(result.current.problem).toBeNull();
    await act(async () => retry.resolve());
  });

  it("reads a request that never got an answer as a network problem", async () => {
    const { result } = renderHook(() => useSubmit());
    await act(async () => {
      await result.current.submit(() => Promise.reject(new TypeError("Failed to fetch")));
    });
    expect(result.current.problem).toMatchObject({ status: 0, kind: "network" });
  });

  it("ignores a second click while the first one is still on its way", async () => {
    const { result } = renderHook(() => useSubmit());
    const first = deferred<void>();
    const second = vi.fn(() => Promise.resolve());
    act(() => {
      void result.current.submit(() => first.promise);
    });
    let skipped: unknown = "not yet";
    await act(async () => {
      skipped = await result.current.submit(second);
    });
    expect(second).not.toHaveBeenCalled();
    expect(skipped).toBeUndefined();
    await act(async () => first.resolve());
    await act(async () => {
      await result.current.submit(second);
    });
    expect(second).toHaveBeenCalledTimes(1);
  });

  it("stays busy after a success that leaves the form, but not after a failure", async () => {
    const { result } = renderHook(() => useSubmit());
    await act(async () => {
      await result.current.submit(() => Promise.reject(new ApiError(toProblem(undefined, 500))), { leaves: true });
    });
    expect(result.current.busy).toBe(false);
    await act(async () => {
      await result.current.submit(() => Promise.resolve("placed"), { leaves: true });
    });
    expect(result.current.busy).toBe(true);
    const again = vi.fn(() => Promise.resolve());
    await act(async () => {
      await result.current.submit(again);
    });
    expect(again).not.toHaveBeenCalled();
  });

  it("shows a problem found before asking the server, until reset", () => {
    const { result } = renderHook(() => useSubmit());
    act(() => result.current.fail(fieldProblem("delivery_address", "incomplete", "Adresse incomplète")));
    expect(result.current.problem?.fieldErrors).toEqual({ delivery_address: "Adresse incomplète" });
    act(() => result.current.reset());
    expect(result.current.problem).toBeNull();
  });

  it("sets nothing once the form is gone", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { result, unmount } = renderHook(() => useSubmit());
    const answer = deferred<void>();
    let outcome: Promise<unknown> | undefined;
    act(() => {
      outcome = result.current.submit(() => answer.promise);
    });
    unmount();
    answer.reject(new ApiError(toProblem(undefined, 500)));
    await expect(outcome).resolves.toBeUndefined();
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });
});
