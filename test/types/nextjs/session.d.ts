// The app's own sign-in, which the README's route.ts calls (the README block declares it in its
// `<!-- assumes: -->` line). A global, as a script: route.ts must stay byte for byte the README's.
declare function getSession(request: Request): Promise<{ userId: string } | null>;
