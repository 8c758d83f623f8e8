// The app's own sign-in, which docs/react.md's route.ts calls (the docs block declares it in its
// `<!-- assumes: -->` line). A global, as a script: route.ts must stay byte for byte the guide's.
declare function getSession(request: Request): Promise<{ userId: string } | null>;
