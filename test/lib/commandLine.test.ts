import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandSettings, positiveNumber, readFlags, usageLines, UsageError } from '../../src/lib/commandLine';

const USAGE = 'usage: tool [--count N] [--name TEXT] [--dry]';
const KINDS = { '--count': 'value', '--name': 'value', '--dry': 'switch' } as const;

test('flags are read as --flag value, --flag=value and --switch; the last of a repeated flag wins', () => {
  const flags = readFlags(['--count', '3', '--name=a=b', '--dry', '--count=4'], KINDS, USAGE);
  assert.deepEqual([...flags], [['--count', '4'], ['--name', 'a=b'], ['--dry', '']]);
  assert.equal(positiveNumber('--count', '4', USAGE, true), 4);
  assert.equal(positiveNumber('--seconds', '2.5', USAGE), 2.5);
});

test('every mistake is a UsageError that says what was wrong, quotes no password, and carries the usage', () => {
  const mistakes: [() => unknown, RegExp][] = [
    [() => readFlags(['--colour'], KINDS, USAGE), /^unknown argument "--colour"$/],
    [() => readFlags(['stray'], KINDS, USAGE), /^unknown argument "stray"$/],
    [() => readFlags(['--count'], KINDS, USAGE), /^--count needs a value$/],
    [() => readFlags(['--count', '--dry'], KINDS, USAGE), /^--count needs a value$/],
    [() => readFlags(['--dry=yes'], KINDS, USAGE), /^--dry takes no value/],
    [() => readFlags(['--queu=redis://:hunter2@q:1'], KINDS, USAGE), /^unknown argument "--queu=redis:\/\/:\*\*\*@q:1"$/],
    [() => positiveNumber('--count', '1.5', USAGE, true), /^--count must be a whole number ≥ 1, got "1\.5"$/],
    [() => positiveNumber('--seconds', '0', USAGE), /^--seconds must be a positive number, got "0"$/],
    [() => commandSettings(USAGE, { RELU_AE_WORKERS: 'many' }), /^RELU_AE_WORKERS: must be an integer/],
  ];
  for (const [mistake, message] of mistakes) {
    assert.throws(mistake, (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, message);
      assert.equal(error.usage, USAGE);
      assert.ok(!error.message.includes('hunter2'));
      return true;
    });
  }
});

test('a usage error prints two lines: the problem after the command\'s name, then the usage', () => {
  const lines = usageLines('tool', new UsageError('unknown argument "--x=redis://:pw@h:1"', USAGE));
  assert.equal(lines, `tool: unknown argument "--x=redis://:***@h:1"\n${USAGE}\n`);
});
