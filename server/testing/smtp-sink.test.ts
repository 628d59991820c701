import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import nodemailer from 'nodemailer';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { sendWithSwaks } from './swaks';

function transport(sink: SmtpSink) {
  return nodemailer.createTransport({
    host: sink.host,
    port: sink.port,
    secure: false,
    pool: true,
    maxConnections: 1,
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

test('captures messages from nodemailer (pooled) and swaks', async () => {
  const sink = await startSmtpSink();
  assert.equal(sink.host, '127.0.0.1');
  assert.equal(sink.url, `smtp://127.0.0.1:${sink.port}`);
  const mailer = transport(sink);
  try {
    const waiting = sink.waitFor(3);
    await Promise.all([
      mailer.sendMail({
        from: 'Desk <desk@threadline.test>',
        to: 'customer@example.test',
        subject: 'Re: [#12] Printer on fire',
        text: 'We are on it.',
        messageId: '<reply-1@threadline.test>',
      }),
      mailer.sendMail({
        envelope: { from: 'bounces@threadline.test', to: ['a@example.test', 'b@example.test'] },
        from: 'desk@threadline.test',
        to: 'a@example.test',
        cc: 'b@example.test',
        subject: 'Second',
        text: 'Line one\n.leading dot\n',
      }),
    ]);
    const swaks = await sendWithSwaks({
      server: `${sink.host}:${sink.port}`,
      from: 'someone@outside.test',
      to: ['support@threadline.test'],
      header: { Subject: 'Sent by swaks', 'X-Test': 'yes' },
      body: 'Hello from swaks',
    });
    assert.equal(swaks.code, 0, swaks.stdout + swaks.stderr);
    assert.match(swaks.stdout, /250 .*Message captured/);

    const msgs = await waiting;
    assert.equal(msgs.length, 3);
    const byFrom = (from: string) => {
      const m = msgs.find((x) => x.from === from);
      assert.ok(m, `message from ${from}`);
      return m;
    };

    const first = byFrom('desk@threadline.test');
    assert.deepEqual(first.to, ['customer@example.test']);
    const raw1 = first.raw.toString('utf8');
    assert.match(raw1, /^Subject: Re: \[#12\] Printer on fire$/m);
    assert.match(raw1, /^Message-ID: <reply-1@threadline\.test>\r$/m);
    assert.match(raw1, /We are on it\./);
    assert.ok(first.receivedAt > 0 && first.receivedAt <= Date.now());

    const second = byFrom('bounces@threadline.test');
    assert.deepEqual(second.to, ['a@example.test', 'b@example.test']);
    const raw2 = second.raw.toString('utf8');
    assert.match(raw2, /^Cc: b@example\.test\r$/m);
    assert.match(raw2, /^\.leading dot\r$/m, 'dot-stuffing is undone');

    const third = byFrom('someone@outside.test');
    assert.deepEqual(third.to, ['support@threadline.test']);
    const raw3 = third.raw.toString('utf8');
    assert.match(raw3, /^Subject: Sent by swaks\r$/m);
    assert.match(raw3, /^X-Test: yes\r$/m);
    assert.match(raw3, /Hello from swaks/);
  } finally {
    mailer.close();
    await sink.stop();
  }
});

test('swaks can send a complete raw message', async () => {
  const sink = await startSmtpSink();
  try {
    const raw = [
      'From: Customer <c@outside.test>',
      'To: support@threadline.test',
      'Subject: Raw one',
      'Message-ID: <raw-1@outside.test>',
      '',
      'Body line',
      '',
    ].join('\r\n');
    const r = await sendWithSwaks({ server: `${sink.host}:${sink.port}`, from: 'c@outside.test', to: ['support@threadline.test'], raw });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const [m] = await sink.waitFor(1);
    assert.ok(m);
    assert.equal(m.from, 'c@outside.test');
    assert.deepEqual(m.to, ['support@threadline.test']);
    assert.match(m.raw.toString(), /^Message-ID: <raw-1@outside\.test>\r$/m);
    // swaks appends one more CRLF to the data it reads from a file.
    assert.match(m.raw.toString(), /\r\n\r\nBody line\r\n/);
  } finally {
    await sink.stop();
  }
});

test('failWith: 550 at RCPT makes nodemailer reject with responseCode 550', async () => {
  const sink = await startSmtpSink({
    failWith: (rcpt) => (rcpt.startsWith('gone@') ? { code: 550, message: 'No such user here' } : null),
  });
  const mailer = transport(sink);
  try {
    await assert.rejects(
      mailer.sendMail({ from: 'desk@threadline.test', to: 'gone@example.test', subject: 'x', text: 'x' }),
      (err: Error & { responseCode?: number; response?: string }) => {
        assert.equal(err.responseCode, 550);
        assert.match(err.response ?? '', /No such user here/);
        return true;
      },
    );
    // Mixed recipients: the good one still gets it, the bad one is reported by nodemailer.
    const info = await mailer.sendMail({
      from: 'desk@threadline.test',
      to: ['ok@example.test', 'gone@example.test'],
      subject: 'y',
      text: 'y',
    });
    assert.deepEqual(info.rejected, ['gone@example.test']);
    const [m] = await sink.waitFor(1);
    assert.deepEqual(m?.to, ['ok@example.test']);
    assert.deepEqual(
      sink.rejections.map((r) => [r.stage, r.rcpt, r.code]),
      [
        ['rcpt', 'gone@example.test', 550],
        ['rcpt', 'gone@example.test', 550],
      ],
    );
    // swaks sees it too (exit code 24: no RCPT accepted).
    const r = await sendWithSwaks({ server: `${sink.host}:${sink.port}`, from: 'a@b.test', to: ['gone@example.test'] });
    assert.equal(r.code, 24);
    assert.match(r.stdout, /550 No such user here/);
  } finally {
    mailer.close();
    await sink.stop();
  }
});

test('failWith at DATA with 451, then accepting after the policy changes', async () => {
  const sink = await startSmtpSink({ failWith: () => ({ code: 451, message: 'Try again later', stage: 'data' }) });
  const mailer = transport(sink);
  try {
    await assert.rejects(
      mailer.sendMail({ from: 'desk@threadline.test', to: 'a@example.test', subject: 'x', text: 'x' }),
      (err: Error & { responseCode?: number }) => err.responseCode === 451,
    );
    assert.equal(sink.messages.length, 0);
    assert.equal(sink.rejections[0]?.stage, 'data');
    sink.failWith = null;
    await mailer.sendMail({ from: 'desk@threadline.test', to: 'a@example.test', subject: 'retry', text: 'x' });
    const [m] = await sink.waitFor(1);
    assert.match(m?.raw.toString() ?? '', /^Subject: retry\r$/m);
  } finally {
    mailer.close();
    await sink.stop();
  }
});

test('waitFor rejects with a clear message on timeout', async () => {
  const sink = await startSmtpSink();
  try {
    await assert.rejects(sink.waitFor(1, 50), /expected 1 message\(s\) within 50 ms, got 0/);
  } finally {
    await sink.stop();
  }
});

test('stop then start on the same port; a pooled transport recovers', async () => {
  const sink = await startSmtpSink();
  const port = sink.port;
  const mailer = transport(sink);
  try {
    await mailer.sendMail({ from: 'desk@threadline.test', to: 'a@example.test', subject: 'before', text: 'x' });
    await sink.waitFor(1);

    await sink.stop(); // drops the pooled connection that is still open
    assert.equal(sink.running, false);
    assert.equal(await portIsFree(port), true);
    await assert.rejects(
      mailer.sendMail({ from: 'desk@threadline.test', to: 'a@example.test', subject: 'while down', text: 'x' }),
      (err: Error & { code?: string }) => {
        assert.ok(['ECONNECTION', 'ESOCKET'].includes(err.code ?? ''), `code ${err.code}: ${err.message}`);
        return true;
      },
    );

    await sink.start();
    assert.equal(sink.port, port);
    assert.equal(sink.running, true);
    await mailer.sendMail({ from: 'desk@threadline.test', to: 'a@example.test', subject: 'after', text: 'x' });
    const msgs = await sink.waitFor(2);
    assert.deepEqual(
      msgs.map((m) => /^Subject: (.*)\r$/m.exec(m.raw.toString())?.[1]),
      ['before', 'after'],
    );
  } finally {
    mailer.close();
    await sink.stop();
  }
});

test('a fixed port can be requested', async () => {
  const probe = await startSmtpSink();
  const port = probe.port;
  await probe.stop();
  const sink = await startSmtpSink({ port });
  try {
    assert.equal(sink.port, port);
    await assert.rejects(startSmtpSink({ port }), /could not listen/);
  } finally {
    await sink.stop();
  }
});
