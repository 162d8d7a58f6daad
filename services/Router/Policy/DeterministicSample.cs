using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HitlLoop.Router.Policy;

/// <summary>
/// Maps an id to a stable point in [0, 1), so that sampling decisions repeat exactly for a redelivered
/// message, on any replica, after any restart.
/// </summary>
public static class DeterministicSample
{
    public static double Of(string key, string salt)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{salt}:{key}"), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
