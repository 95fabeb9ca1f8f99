/// <reference types="vite/client" />
// Vite's import suffixes (`?url`, `?worker&url`) for every tsconfig that reaches the page code.
