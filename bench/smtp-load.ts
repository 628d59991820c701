/**
 * A lean SMTP load generator for the ingest benches: a real SMTP conversation (EHLO, MAIL FROM,
 * RCPT TO, DATA with dot-stuffed bytes, one reply awaited per command) over a few persistent
 * connections, like an MTA delivering a queue. The messages are encoded before the clock starts,
 * so the generator's own CPU stays small beside the server it measures: nodemailer's pooled
 * transport spent ~1 ms of CPU per 28 KB message encoding it again on send, on the same two
 * cores as the server. `clientCpuMsPerMessage` is reported with every run.
 */
import net from 'node:net';

export interface LoadMessage {
  from: string;
  to: string;
  raw: string | Buffer;
}

/** DATA payload: CRLF line ends, lines starting with "." doubled, ending in CRLF.CRLF. */
export function encodeData(raw: string | Buffer): Buffer {
  let text = (Buffer.isBuffer(raw) ? raw.toString('latin1') : raw).replace(/\r?\n/g, '\r\n');
  if (!text.endsWith('\r\n')) text += '\r\n';
  // a line is what follows CRLF ("^" with the m flag would also match after a bare CR)
  text = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(`${text}.\r\n`, 'latin1');
}

/** One SMTP connection that sends commands and waits for each complete reply. */
async function connect(host: string, port: number) {
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  let buffered = '';
  let waiting: { resolve: (reply: string) => void; reject: (e: Error) => void } | null = null;
  const queue: string[] = [];
  const deliver = () => {
    for (;;) {
      // a reply ends with a line "NNN text" or just "NNN" ("NNN-" continues it)
      const m = /(?:^|\r\n)(\d{3})(?: [^\r\n]*)?\r\n/.exec(buffered);
      if (!m) return;
      const end = m.index + m[0].length;
      queue.push(buffered.slice(0, end));
      buffered = buffered.slice(end);
      if (waiting) {
        const w = waiting;
        waiting = null;
        w.resolve(queue.shift() as string);
      }
    }
  };
  socket.on('data', (d: Buffer) => {
    buffered += d.toString('latin1');
    deliver();
  });
  let closedWith: Error | null = null;
  const failed = (e: Error) => {
    closedWith ??= e;
    const w = waiting;
    waiting = null;
    w?.reject(e);
  };
  socket.on('error', failed);
  socket.on('close', () => failed(new Error('SMTP connection closed')));
  const reply = () =>
    new Promise<string>((resolve, reject) => {
      const ready = queue.shift();
      if (ready !== undefined) resolve(ready);
      else if (closedWith) reject(closedWith);
      else waiting = { resolve, reject };
    });
  const expect = async (code: string, what: string) => {
    const r = await reply();
    if (!r.startsWith(code)) throw new Error(`SMTP ${what}: ${r.trim()}`);
  };
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  await expect('220', 'greeting');
  socket.write('EHLO bench.test\r\n');
  await expect('250', 'EHLO');
  return {
    async send(from: string, to: string, data: Buffer): Promise<void> {
      socket.write(`MAIL FROM:<${from}>\r\n`);
      await expect('250', 'MAIL FROM');
      socket.write(`RCPT TO:<${to}>\r\n`);
      await expect('250', 'RCPT TO');
      socket.write('DATA\r\n');
      await expect('354', 'DATA');
      socket.write(data);
      await expect('250', 'end of data');
    },
    async close(): Promise<void> {
      socket.write('QUIT\r\n');
      await reply().catch(() => undefined);
      socket.destroy();
    },
  };
}

/**
 * Encodes the messages and opens `connections` persistent connections; `run()` then sends every
 * message (each connection takes the next one as soon as its previous one was accepted) and
 * resolves when all were answered 250, rejecting on any other answer. It reports the CPU time
 * this process spent per message meanwhile (the generator, and whatever else the bench runs).
 */
export async function prepareLoad(host: string, port: number, messages: LoadMessage[], connections: number) {
  const encoded = messages.map((m) => ({ from: m.from, to: m.to, data: encodeData(m.raw) }));
  const conns = await Promise.all(Array.from({ length: Math.min(connections, encoded.length) }, () => connect(host, port)));
  return {
    async run(): Promise<{ clientCpuMsPerMessage: number }> {
      const cpu0 = process.cpuUsage();
      let next = 0;
      await Promise.all(
        conns.map(async (c) => {
          for (let i = next++; i < encoded.length; i = next++) {
            const m = encoded[i] as (typeof encoded)[number];
            await c.send(m.from, m.to, m.data);
          }
        }),
      );
      const cpu = process.cpuUsage(cpu0);
      await Promise.all(conns.map((c) => c.close()));
      return { clientCpuMsPerMessage: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, encoded.length)) * 100) / 100 };
    },
  };
}
