// A lazily loaded component that can be loaded ahead of its first render. React.lazy suspends on
// its first render even when its chunk already arrived, and React then holds the reveal of a
// suspended boundary back by up to 300 ms: a screen behind two lazy levels waited 600 ms for
// nothing. Once `preload()` has settled, the component renders at once, without suspending.
import { createElement, lazy, type ComponentType } from "react";

export function preloadable<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<unknown> | undefined;
  const preload = () => {
    pending ??= load().then((module) => {
      loaded = module.default;
      return module;
    });
    return pending as Promise<{ default: ComponentType<P> }>;
  };
  const Lazy = lazy(preload);
  function Preloadable(props: P) {
    return loaded ? createElement(loaded, props) : createElement(Lazy as ComponentType<P>, props);
  }
  return { Component: Preloadable, preload };
}
