import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactedMessage, redactSecrets, redactUrl } from '../../../../src/lib/experiment/queue/redact';

test('a queue URL loses its password and keeps what says where it points', () => {
  assert.equal(redactUrl('redis://:s3cret@10.0.0.2:6379'), 'redis://:***@10.0.0.2:6379');
  assert.equal(redactUrl('rediss://worker:s3cret@queue.lab:6380/2'), 'rediss://worker:***@queue.lab:6380/2');
  assert.equal(redactUrl('REDIS://:s3cret@host'), 'REDIS://:***@host');
  assert.equal(redactUrl('redis://10.0.0.2:6379'), 'redis://10.0.0.2:6379', 'nothing to hide');
  assert.equal(redactUrl('redis://worker@10.0.0.2:6379'), 'redis://worker@10.0.0.2:6379', 'a user name alone is not a secret');
});

test('a password with an unencoded @ or : is hidden whole', () => {
  assert.equal(redactUrl('redis://:p@ss:w@rd@10.0.0.2:6379'), 'redis://:***@10.0.0.2:6379');
  assert.ok(!redactUrl('redis://user:a:b@c@host:1').includes('a:b@c'));
});

test('every URL inside a longer text is redacted: messages, JSON, command lines', () => {
  const text = 'could not reach redis://:one@a:1 nor "rediss://u:two@b:2", see --queue=redis://:three@c:3\nredis://:four@d:4';
  const redacted = redactSecrets(text);
  for (const secret of ['one', 'two', 'three', 'four']) assert.ok(!redacted.includes(`:${secret}@`), `${secret} in ${redacted}`);
  assert.equal(redacted, 'could not reach redis://:***@a:1 nor "rediss://u:***@b:2", see --queue=redis://:***@c:3\nredis://:***@d:4');
  assert.equal(redactedMessage(new Error('connect to redis://:x@h:1 failed')), 'connect to redis://:***@h:1 failed');
  assert.equal(redactedMessage('plain redis://:x@h:1'), 'plain redis://:***@h:1');
});
