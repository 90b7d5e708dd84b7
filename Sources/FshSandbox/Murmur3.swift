// The configuration tag's hash, as Flocker computes it.

/// MurmurHash3 x64 128 (as Python's mmh3.hash_bytes, seed 0), hex.
func murmur3Hex(_ bytes: [UInt8]) -> String {
  let (h1, h2) = murmur3x64_128(bytes)
  // mmh3.hash_bytes returns h1 then h2, each little-endian.
  var digest: [UInt8] = []
  for word in [h1, h2] {
    for shift in stride(from: 0, to: 64, by: 8) {
      digest.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
    }
  }
  let hexDigits = Array("0123456789abcdef".utf8)
  var out: [UInt8] = []
  for byte in digest {
    out.append(hexDigits[Int(byte >> 4)])
    out.append(hexDigits[Int(byte & 0xF)])
  }
  return String(decoding: out, as: UTF8.self)
}

@inline(__always) private func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 {
  (x << r) | (x >> (64 &- r))
}

@inline(__always) private func fmix(_ value: UInt64) -> UInt64 {
  var k = value
  k ^= k >> 33
  k = k &* 0xff51_afd7_ed55_8ccd
  k ^= k >> 33
  k = k &* 0xc4ce_b9fe_1a85_ec53
  k ^= k >> 33
  return k
}

func murmur3x64_128(_ bytes: [UInt8], seed: UInt64 = 0) -> (UInt64, UInt64) {
  let c1: UInt64 = 0x87c3_7b91_1142_53d5
  let c2: UInt64 = 0x4cf5_ad43_2745_937f
  var h1 = seed
  var h2 = seed
  let length = bytes.count
  bytes.withUnsafeBytes { raw in
    let blocks = length / 16
    var offset = 0
    for _ in 0..<blocks {
      var k1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      var k2 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
      offset += 16
      k1 = k1 &* c1
      k1 = rotl(k1, 31)
      k1 = k1 &* c2
      h1 ^= k1
      h1 = rotl(h1, 27)
      h1 = h1 &+ h2
      h1 = h1 &* 5 &+ 0x52dc_e729
      k2 = k2 &* c2
      k2 = rotl(k2, 33)
      k2 = k2 &* c1
      h2 ^= k2
      h2 = rotl(h2, 31)
      h2 = h2 &+ h1
      h2 = h2 &* 5 &+ 0x3849_5ab5
    }
    var k1: UInt64 = 0
    var k2: UInt64 = 0
    let tail = blocks * 16
    let remaining = length & 15
    if remaining > 8 {
      for i in stride(from: remaining - 1, through: 8, by: -1) {
        k2 ^= UInt64(raw[tail + i]) << UInt64((i - 8) * 8)
      }
      k2 = k2 &* c2
      k2 = rotl(k2, 33)
      k2 = k2 &* c1
      h2 ^= k2
    }
    if remaining > 0 {
      for i in stride(from: min(remaining, 8) - 1, through: 0, by: -1) {
        k1 ^= UInt64(raw[tail + i]) << UInt64(i * 8)
      }
      k1 = k1 &* c1
      k1 = rotl(k1, 31)
      k1 = k1 &* c2
      h1 ^= k1
    }
  }
  h1 ^= UInt64(length)
  h2 ^= UInt64(length)
  h1 = h1 &+ h2
  h2 = h2 &+ h1
  h1 = fmix(h1)
  h2 = fmix(h2)
  h1 = h1 &+ h2
  h2 = h2 &+ h1
  return (h1, h2)
}
