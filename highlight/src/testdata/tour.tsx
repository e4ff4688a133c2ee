// TSX for the grammar tests, ASCII only.
import { useState, type ReactNode } from "react";

export function ThemePicker({ themes, children }: { themes: string[]; children?: ReactNode }) {
  const [theme, setTheme] = useState<string>(themes[0] ?? "light");
  return (
    <form method="post" action="/api/kv/theme" className={`picker picker-${theme}`}>
      {themes.map((name) => (
        <button key={name} name="theme" value={name} aria-pressed={name === theme} onClick={() => setTheme(name)}>
          {name.toUpperCase()}
        </button>
      ))}
      <>{children}</>
    </form>
  );
}
