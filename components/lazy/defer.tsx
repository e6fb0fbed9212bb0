"use client";

import * as React from "react";
import { Slot } from "radix-ui";

/**
 * Code that a page needs only once someone reaches for it: the wrappers in this folder keep the Radix
 * (and sonner) code of components/ui's menus, dialogs, drawer and toaster out of every page's
 * first-load JavaScript this way. Each is a
 * `Deferred` module, fetched at most once per page load and shared by every instance; until it is
 * there, a light stand-in renders what the user sees (the trigger button, with the same markup), and
 * the first sign of intent (hover, focus, touch, press) fetches it. The real component takes the
 * stand-in's place when that one is used (see useLazyRoot), open at once if it was pressed.
 */
export type Deferred<T> = {
  load: () => Promise<T>;
  current: () => T | null;
  subscribe: (listener: () => void) => () => void;
};

export function deferred<T>(importer: () => Promise<T>): Deferred<T> {
  let value: T | null = null;
  let pending: Promise<T> | null = null;
  const listeners = new Set<() => void>();
  return {
    load() {
      pending ??= importer().then(
        (module) => {
          value = module;
          for (const listener of listeners) listener();
          return module;
        },
        (error: unknown) => {
          pending = null; // offline for a moment: the next intent tries again
          throw error;
        },
      );
      return pending;
    },
    current: () => value,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

const serverSnapshot = () => null;

/** The deferred module once it is loaded (null before, and always while hydrating, as on the server). */
export function useDeferred<T>(module: Deferred<T>): T | null {
  return React.useSyncExternalStore(module.subscribe, module.current, serverSnapshot);
}

/** Fetches the module without waiting for it; a failed fetch is retried at the next intent. */
export function preload(module: Deferred<unknown>): void {
  module.load().catch(() => {});
}

/** Fetches the module once the browser is first idle (after hydration), so it is there before it is needed. */
export function usePreloadWhenIdle(module: Deferred<unknown>): void {
  React.useEffect(() => {
    if (typeof window.requestIdleCallback === "function") {
      const id = window.requestIdleCallback(() => preload(module), { timeout: 5000 });
      return () => window.cancelIdleCallback(id);
    }
    const timer = setTimeout(() => preload(module), 2000);
    return () => clearTimeout(timer);
  }, [module]);
}

/** What the stand-in trigger of a deferred root (menu, dialog, drawer) shares with the root. */
export type LazyRoot = {
  /** Fetch the code: the pointer is heading for the trigger. */
  preload: () => void;
  /** Put the real component in place as soon as its code is there (the trigger got the focus). */
  activate: () => void;
  /** The trigger was pressed: put the real component in place, open, as soon as its code is there. */
  press: () => void;
  /** The stand-in trigger had focus as it was replaced: the real one is to take it over. */
  handOverFocus: () => void;
  /** Whether the real trigger is to take the focus over (once). */
  takeOverFocus: () => boolean;
};

/** What a deferred root gives its parts: its stand-in state, and the real module once it is in place. */
export type LazyContext<T> = { root: LazyRoot; real: T | null };

type OpenProps = { open?: boolean; defaultOpen?: boolean; onOpenChange?: (open: boolean) => void };

/**
 * State of a deferred root. The real component takes the stand-in's place only when the user acts on
 * this root (focus, press), when it is opened from outside (`open`, `defaultOpen`), or when the code
 * was already there as it mounted; never in the middle of a click, which would lose the click. Returns
 * the parts' context and the `defaultOpen` for the real root (true after a press of an uncontrolled one).
 */
export function useLazyRoot<T>(module: Deferred<T>, { open, defaultOpen, onOpenChange }: OpenProps) {
  const impl = useDeferred(module);
  const [active, setActive] = React.useState(() => module.current() !== null);
  const [pressed, setPressed] = React.useState(false);
  if (!active && (open || defaultOpen)) setActive(true); // opened from outside: real from now on
  const refocus = React.useRef(false);
  const waiting = active && !impl;
  React.useEffect(() => {
    if (waiting) preload(module);
  }, [waiting, module]);
  // The root object stays the same for the component's life (its stand-in trigger keys an effect on it).
  const latest = React.useRef({ controlled: open !== undefined, onOpenChange });
  React.useLayoutEffect(() => {
    latest.current = { controlled: open !== undefined, onOpenChange };
  });
  const root = React.useMemo<LazyRoot>(
    () => ({
      preload: () => preload(module),
      activate: () => {
        setActive(true);
        preload(module);
      },
      press: () => {
        setActive(true);
        if (latest.current.controlled) latest.current.onOpenChange?.(true);
        else setPressed(true);
        preload(module);
      },
      handOverFocus: () => {
        refocus.current = true;
      },
      takeOverFocus: () => {
        const take = refocus.current;
        refocus.current = false;
        return take;
      },
    }),
    [module],
  );
  const real = active ? impl : null;
  const context = React.useMemo<LazyContext<T>>(() => ({ root, real }), [root, real]);
  return { context, real, defaultOpen: defaultOpen || pressed || undefined };
}

function compose<E>(theirs: ((event: E) => void) | undefined, ours: (event: E) => void) {
  return (event: E) => {
    theirs?.(event);
    if (!(event as { defaultPrevented?: boolean }).defaultPrevented) ours(event);
  };
}

export type StandInTriggerProps = React.ComponentPropsWithoutRef<"button"> & { asChild?: boolean };

/**
 * The trigger while the code is not there yet: the same element and attributes as the Radix trigger
 * renders closed, plus the intent handlers. `opensOn` is the Radix trigger's own gesture: "click" for
 * dialogs, "pointerdown" (and Enter, Space, ArrowDown) for menus.
 */
export function StandInTrigger({
  root,
  popup,
  opensOn,
  asChild,
  ...props
}: StandInTriggerProps & { root: LazyRoot | null; popup: "menu" | "dialog"; opensOn: "click" | "pointerdown" }) {
  const ref = React.useRef<HTMLButtonElement>(null);
  // Runs before React removes the button: if it has focus then, the real trigger takes it over.
  React.useLayoutEffect(() => {
    const element = ref.current;
    return () => {
      if (element && element === document.activeElement) root?.handOverFocus();
    };
  }, [root]);
  const Comp = asChild ? Slot.Root : "button";
  const intent = () => root?.preload();
  // A menu's real trigger has keyboard behaviour of its own (arrow keys, focus on the first item): it
  // takes over as the stand-in gets the focus. A dialog's trigger is a plain button until pressed.
  const focused = () => (opensOn === "pointerdown" ? root?.activate() : root?.preload());
  return (
    <Comp
      ref={ref}
      type="button"
      aria-haspopup={popup}
      aria-expanded={false}
      data-state="closed"
      {...props}
      onPointerEnter={compose(props.onPointerEnter, intent)}
      onFocus={compose(props.onFocus, focused)}
      onTouchStart={compose(props.onTouchStart, intent)}
      onPointerDown={compose(props.onPointerDown, (event: React.PointerEvent) => {
        intent();
        if (opensOn !== "pointerdown" || props.disabled || event.button !== 0 || event.ctrlKey) return;
        event.preventDefault(); // as Radix does: the menu, not the trigger, gets the focus
        root?.press();
      })}
      onKeyDown={compose(props.onKeyDown, (event: React.KeyboardEvent) => {
        if (opensOn !== "pointerdown" || props.disabled || !["Enter", " ", "ArrowDown"].includes(event.key)) return;
        event.preventDefault();
        root?.press();
      })}
      onClick={compose(props.onClick, () => {
        if (opensOn === "click") root?.press();
      })}
    />
  );
}

/** Gives the real trigger the focus its stand-in had when it was replaced. */
export function useTakeOverFocus(root: LazyRoot | null) {
  const ref = React.useRef<HTMLButtonElement>(null);
  React.useLayoutEffect(() => {
    // only if the focus was lost with the stand-in (it is on the body then), not moved elsewhere since
    if (root?.takeOverFocus() && (!document.activeElement || document.activeElement === document.body))
      ref.current?.focus();
  }, [root]);
  return ref;
}

type PropsOf<C> = C extends React.ComponentType<infer P> ? P & React.JSX.IntrinsicAttributes : never;

/**
 * A part that only shows inside an open root (content, items, title…): nothing until the real
 * module is there, then the real module's `name` export with the same props.
 */
export function realOnly<M, K extends keyof M & string>(context: React.Context<LazyContext<M> | null>, name: K) {
  function Part(props: PropsOf<M[K]>) {
    const real = React.useContext(context)?.real;
    if (!real) return null;
    const Real = real[name] as React.ComponentType<PropsOf<M[K]>>;
    return <Real {...props} />;
  }
  Part.displayName = name;
  return Part;
}

const failedParts = new Set<() => void>();

/**
 * Lets the lazy parts whose code could not be fetched fetch it again at their next render. An error
 * boundary calls it once it shows the error, so that "Try again" (or coming back to the page) fetches anew.
 */
export function forgetFailedLoads(): void {
  for (const forget of failedParts) forget();
  failedParts.clear();
}

/**
 * A part that shows where it stands, not only inside an open root (the forms of a tab that starts
 * hidden): the real module's `name` export with the same props, rendered in full on the server, so the
 * page's HTML has it and hydration waits for the code rather than showing anything else. On the
 * client it renders at once when the code is already there (preload it on intent or when idle), and
 * shows `fallback` (a placeholder of the part's size) only while the code is still on its way.
 */
export function lazyPart<M, K extends keyof M & string>(module: Deferred<M>, name: K) {
  type Props = PropsOf<M[K]>;
  // The fetch this part waits for. Once it has failed, every render throws its error (to the nearest error
  // boundary) until forgetFailedLoads: a new fetch in each render would fail and start another without end.
  type Attempt = { promise: Promise<M>; error?: { reason: unknown } };
  let attempt: Attempt | null = null;
  function load(): Promise<M> {
    if (attempt?.error) throw attempt.error.reason;
    if (!attempt) {
      const current: Attempt = { promise: module.load() };
      current.promise.catch((reason: unknown) => {
        current.error = { reason };
        failedParts.add(() => {
          if (attempt === current) attempt = null;
        });
      });
      attempt = current;
    }
    return attempt.promise;
  }
  function Real(props: Props) {
    const real = module.current() ?? React.use(load());
    const Component = real[name] as React.ComponentType<Props>;
    return <Component {...props} />;
  }
  function Part({ fallback = null, ...props }: Props & { fallback?: React.ReactNode }) {
    return (
      <React.Suspense fallback={fallback}>
        <Real {...(props as Props)} />
      </React.Suspense>
    );
  }
  Part.displayName = name;
  return Part;
}

/**
 * One deferred Radix primitive (dialog, drawer, menu): its root, its trigger, and `part` for the pieces
 * that only show inside it once open. `root` and `trigger` name the real module's exports; `popup` and
 * `opensOn` describe the trigger (see StandInTrigger).
 */
export function lazyPrimitive<M, R extends keyof M & string, T extends keyof M & string>(
  module: Deferred<M>,
  names: { root: R; trigger: T; popup: "menu" | "dialog"; opensOn: "click" | "pointerdown" },
) {
  const context = React.createContext<LazyContext<M> | null>(null);
  type RootProps = PropsOf<M[R]> & OpenProps & { children?: React.ReactNode };

  function Root({ open, defaultOpen, onOpenChange, children, ...props }: RootProps) {
    const lazy = useLazyRoot(module, { open, defaultOpen, onOpenChange });
    const Real = lazy.real?.[names.root] as React.ComponentType<RootProps> | undefined;
    return (
      <context.Provider value={lazy.context}>
        {Real ? (
          <Real {...(props as RootProps)} open={open} defaultOpen={lazy.defaultOpen} onOpenChange={onOpenChange}>
            {children}
          </Real>
        ) : (
          children
        )}
      </context.Provider>
    );
  }
  Root.displayName = names.root;

  function Trigger(props: StandInTriggerProps) {
    const { root = null, real = null } = React.useContext(context) ?? {};
    const ref = useTakeOverFocus(root);
    if (!real) return <StandInTrigger root={root} popup={names.popup} opensOn={names.opensOn} {...props} />;
    const Real = real[names.trigger] as React.ComponentType<
      StandInTriggerProps & { ref: React.Ref<HTMLButtonElement> }
    >;
    return <Real ref={ref} {...props} />;
  }
  Trigger.displayName = names.trigger;

  return { Root, Trigger, part: <K extends keyof M & string>(name: K) => realOnly(context, name) };
}
