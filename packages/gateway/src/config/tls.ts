/**
 * The `tls` section: one PEM certificate and key served by the client listener (`wss://`) and the
 * admin listener (`https://`), TLS 1.2 or newer, as API Gateway serves only TLS 1.2/1.3.
 */
import { z } from 'zod';

export const tlsSchema = z
  .strictObject({
    certFile: z
      .string()
      .min(1)
      .optional()
      .describe('PEM certificate chain file. With `keyFile`, turns TLS on.'),
    keyFile: z.string().min(1).optional().describe('PEM private key file.'),
    listeners: z
      .enum(['both', 'client', 'admin'])
      .default('both')
      .describe('Which listeners serve TLS when a certificate is set.'),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2').describe('Oldest TLS version accepted.'),
  })
  .prefault({})
  .superRefine((tls, ctx) => {
    if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
      ctx.addIssue({ code: 'custom', path: ['keyFile'], message: 'certFile and keyFile go together' });
  })
  .describe('TLS for the listeners (PEM certificate and key).');

export type TlsConfig = z.output<typeof tlsSchema>;
