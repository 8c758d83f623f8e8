'use client';
// app/providers.tsx
import type { ReactNode } from 'react';
import { fromEndpoint, type AccessManagerOptions } from 'access-token-manager';
import { AccessManagerProvider } from 'access-token-manager/react';

// Made in this 'use client' module: a function cannot be passed from a Server Component.
const options: AccessManagerOptions = { tokenProvider: fromEndpoint('/api/token') };

export function TwilioProvider({ token, children }: { token?: string | null; children: ReactNode }) {
  return (
    <AccessManagerProvider options={options} token={token ?? null}>
      {children}
    </AccessManagerProvider>
  );
}
