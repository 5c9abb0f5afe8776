import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeSends } from '../../src/lib/notebook';

/** A socket like zeromq 6's: send throws while an earlier send is still in progress. */
class BusySocket {
  busy = false;
  delivered: string[] = [];
  send(message: string): Promise<void> {
    if (this.busy) throw new Error('Socket is busy writing; only one send operation may be in progress at any time');
    if (message === 'fail') return Promise.reject(new Error('send failed'));
    this.busy = true;
    return new Promise((resolve) => setTimeout(() => {
      this.busy = false;
      this.delivered.push(message);
      resolve();
    }, 5));
  }
}

test('without serialization, overlapping sends throw as zeromq 6 does', () => {
  const socket = new BusySocket();
  void socket.send('a');
  assert.throws(() => socket.send('b'), /busy writing/);
});

test('serialized sends never overlap, keep their order, and survive a failed send', async () => {
  class Serialized extends BusySocket {}
  assert.equal(serializeSends(Serialized.prototype), true);
  assert.equal(serializeSends(Serialized.prototype), true, 'a second call keeps the one wrapper');
  const socket = new Serialized();
  const sends = ['one', 'two', 'fail', 'three'].map((message) => socket.send(message));
  await Promise.all(sends);
  assert.deepEqual(socket.delivered, ['one', 'two', 'three']);
  const other = new Serialized();
  await Promise.all([other.send('x'), other.send('y')]);
  assert.deepEqual(other.delivered, ['x', 'y'], 'each socket has its own queue');
});

test('an object without a send function is left alone', () => {
  assert.equal(serializeSends({}), false);
});
