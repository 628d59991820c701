/**
 * Outbound SMTP through nodemailer, pooled. Configured by SMTP_URL (`smtp://user:pass@host:587`,
 * STARTTLS when offered, `?tls=required` to insist, `?tls=off` for a local relay;
 * `smtps://…:465` implicit TLS) or by the Admin page's settings. 4xx answers and network errors
 * are temporary (retry); 5xx answers are permanent (fail with the server's words).
 */
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Transport } from './transport';

export type SmtpSecurity = 'tls' | 'starttls' | 'none';

/** Where and how to reach an SMTP server; the password is plain here and only here (memory). */
export interface SmtpTarget {
  host: string;
  port: number;
  /** implicit TLS (usually 465) */
  secure: boolean;
  /** STARTTLS required; when false it is still used if offered, unless `ignoreTLS` */
  requireTLS: boolean;
  ignoreTLS: boolean;
  auth: { user: string; pass: string } | null;
}

export function smtpTargetFromUrl(smtpUrl: string): SmtpTarget {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: url.searchParams.get('tls') === 'required',
    ignoreTLS: url.searchParams.get('tls') === 'off',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : null,
  };
}

/** `tls`: implicit TLS; `starttls`: STARTTLS required; `none`: plain (a relay on a trusted network). */
export function smtpTargetFromSettings(s: { host: string; port: number; security: SmtpSecurity; user: string }, password: string): SmtpTarget {
  return {
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    auth: s.user ? { user: s.user, pass: password } : null,
  };
}

export function nodemailerOptions(t: SmtpTarget): SMTPTransport.Options {
  return {
    host: t.host,
    port: t.port,
    secure: t.secure,
    requireTLS: t.requireTLS,
    ignoreTLS: t.ignoreTLS,
    ...(t.auth ? { auth: { user: t.auth.user, pass: t.auth.pass } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    logger: false,
  };
}

export function createSmtpTransport(target: SmtpTarget | string): Transport {
  const t = typeof target === 'string' ? smtpTargetFromUrl(target) : target;
  // nodemailer is loaded with the first email sent, not when the server starts
  let pool: Promise<Transporter<SMTPTransport.SentMessageInfo>> | null = null;
  const transporter = () =>
    (pool ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({ ...nodemailerOptions(t), pool: true, maxConnections: 5, maxMessages: 1000 })));
  return {
    name: `smtp ${t.host}:${t.port}`,
    async send(raw, envelope) {
      try {
        const info: { response?: string } = await (await transporter()).sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
        return { ok: true, response: String(info.response ?? 'accepted') };
      } catch (err) {
        const e = err as { responseCode?: number; response?: string; message?: string };
        const code = e.responseCode ?? 0;
        return { ok: false, permanent: code >= 500 && code < 600, response: e.response ?? e.message ?? String(err) };
      }
    },
    async close() {
      if (pool) (await pool).close();
    },
  };
}
