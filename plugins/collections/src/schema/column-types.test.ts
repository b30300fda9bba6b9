// The storage convention: column types per dialect, and values written and read back in their
// API form (what the items half relies on).
import { describe, expect, it } from 'vitest'
import { columnType, decodeValue, encodeValue, ValueTypeError } from './column-types.js'

describe('columnType', () => {
  it('picks one column type per field type and dialect', () => {
    expect(columnType({ type: 'string' }, 'postgres')).toBe('varchar(255)')
    expect(columnType({ type: 'string', length: 20 }, 'postgres')).toBe('varchar(20)')
    expect(columnType({ type: 'string' }, 'sqlite')).toBe('text')
    expect(columnType({ type: 'decimal', precision: 10, scale: 2 }, 'postgres')).toBe(
      'numeric(10, 2)',
    )
    expect(columnType({ type: 'decimal' }, 'sqlite')).toBe('numeric')
    expect(columnType({ type: 'boolean' }, 'sqlite')).toBe('integer')
    expect(columnType({ type: 'datetime' }, 'postgres')).toBe('timestamptz')
    expect(columnType({ type: 'json' }, 'postgres')).toBe('jsonb')
    expect(columnType({ type: 'bigInteger' }, 'postgres')).toBe('bigint')
    expect(columnType({ type: 'float' }, 'postgres')).toBe('double precision')
  })
})

describe('encodeValue', () => {
  it('writes SQLite values in the documented convention', () => {
    expect(encodeValue({ type: 'boolean' }, true, 'sqlite')).toBe(1)
    expect(encodeValue({ type: 'boolean' }, false, 'postgres')).toBe(false)
    expect(encodeValue({ type: 'datetime' }, '2024-06-01T10:00:00+02:00', 'sqlite')).toBe(
      '2024-06-01T08:00:00.000Z',
    )
    expect(encodeValue({ type: 'timestamp' }, '2024-06-01', 'sqlite')).toBe(
      '2024-06-01T00:00:00.000Z',
    )
    expect(encodeValue({ type: 'time' }, '09:30', 'sqlite')).toBe('09:30:00')
    expect(encodeValue({ type: 'uuid' }, 'ABCDEF00-0000-4000-8000-000000000000', 'sqlite')).toBe(
      'abcdef00-0000-4000-8000-000000000000',
    )
    expect(encodeValue({ type: 'json' }, { a: [1] }, 'sqlite')).toBe('{"a":[1]}')
    expect(encodeValue({ type: 'decimal' }, '12.50', 'sqlite')).toBe(12.5)
    expect(encodeValue({ type: 'decimal' }, 12.5, 'postgres')).toBe('12.5')
    expect(encodeValue({ type: 'bigInteger' }, '9223372036854775807', 'postgres')).toBe(
      '9223372036854775807',
    )
    expect(encodeValue({ type: 'string' }, null, 'sqlite')).toBeNull()
  })

  it.each([
    [{ type: 'integer' as const }, 1.5],
    [{ type: 'integer' as const }, '1'],
    [{ type: 'boolean' as const }, 'true'],
    [{ type: 'date' as const }, '2024-02-30'],
    [{ type: 'time' as const }, '25:00'],
    [{ type: 'datetime' as const }, 'yesterday'],
    [{ type: 'uuid' as const }, 'not-a-uuid'],
    [{ type: 'string' as const, length: 3 }, 'abcd'],
    [{ type: 'enum' as const, choices: ['a'] }, 'b'],
    [{ type: 'float' as const }, Number.NaN],
    [{ type: 'decimal' as const }, '1e5'],
  ])('refuses %j = %j', (field, value) => {
    expect(() => encodeValue(field, value, 'sqlite')).toThrow(ValueTypeError)
  })

  it('keeps SQLite big integers within what node:sqlite can read back', () => {
    expect(() => encodeValue({ type: 'bigInteger' }, '9007199254740993', 'sqlite')).toThrow(
      ValueTypeError,
    )
  })
})

describe('decodeValue', () => {
  it('reads either driver back into the API form', () => {
    expect(decodeValue({ type: 'boolean' }, 1)).toBe(true)
    expect(decodeValue({ type: 'boolean' }, 0)).toBe(false)
    expect(decodeValue({ type: 'decimal', precision: 10, scale: 2 }, 12.5)).toBe('12.50')
    expect(decodeValue({ type: 'decimal' }, '12.50')).toBe('12.50')
    expect(decodeValue({ type: 'datetime' }, new Date('2024-06-01T10:00:00Z'))).toBe(
      '2024-06-01T10:00:00.000Z',
    )
    expect(decodeValue({ type: 'datetime' }, '2024-06-01 10:00:00')).toBe(
      '2024-06-01T10:00:00.000Z',
    )
    expect(decodeValue({ type: 'time' }, '10:20:30.123')).toBe('10:20:30')
    expect(decodeValue({ type: 'bigInteger' }, '9223372036854775807')).toBe('9223372036854775807')
    expect(decodeValue({ type: 'json' }, '"text"', 'sqlite')).toBe('text')
    expect(decodeValue({ type: 'json' }, 'text', 'postgres')).toBe('text')
    expect(decodeValue({ type: 'string' }, null)).toBeNull()
  })
})
