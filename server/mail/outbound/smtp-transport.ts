/**
 * Outbound SMTP through nodemailer, pooled. SMTP_URL: `smtp://user:pass@host:587` (STARTTLS when
 * offered; `?tls=required` to insist), `smtps://…:465` (implicit TLS). 4xx answers and network
 * errors are temporary (retry); 5xx answers are permanent (fail with the server's words).
 */
import nodemailer from 'nodemailer';
import type { Transport } from './transport';

export function createSmtpTransport(smtpUrl: string): Transport {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: url.searchParams.get('tls') === 'required',
    ignoreTLS: url.searchParams.get('tls') === 'off',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    pool: true,
    maxConnections: 5,
    maxMessages: 1000,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    logger: false,
  });
  return {
    name: `smtp ${url.hostname}:${url.port || (secure ? 465 : 587)}`,
    async send(raw, envelope) {
      try {
        const info: { response?: string } = await transporter.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
        return { ok: true, response: String(info.response ?? 'accepted') };
      } catch (err) {
        const e = err as { responseCode?: number; response?: string; message?: string };
        const code = e.responseCode ?? 0;
        return { ok: false, permanent: code >= 500 && code < 600, response: e.response ?? e.message ?? String(err) };
      }
    },
    async close() {
      transporter.close();
    },
  };
}
