// app/layout.tsx: a Server Component
import type { ReactNode } from 'react';
import { TwilioProvider } from './providers';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TwilioProvider>{children}</TwilioProvider>
      </body>
    </html>
  );
}
