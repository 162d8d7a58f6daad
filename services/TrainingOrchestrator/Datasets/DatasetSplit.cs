using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HitlLoop.TrainingOrchestrator.Datasets;

public enum DatasetSplit
{
    Train,
    Eval,
}

/// <summary>
/// Puts each example in train or eval by a hash of its id alone, so the ML team can recompute the split and an
/// example never crosses from eval into train between snapshots (which would leak eval data into training).
/// </summary>
public static class DatasetSplits
{
    public const string TrainName = "train";
    public const string EvalName = "eval";

    /// <summary>
    /// The example's point in [0, 1): the first 8 bytes of SHA-256(UTF-8 id) read big-endian, top 53 bits.
    /// </summary>
    public static double Position(string exampleId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(exampleId), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }

    public static DatasetSplit Assign(string exampleId, double evalFraction) =>
        Position(exampleId) < evalFraction ? DatasetSplit.Eval : DatasetSplit.Train;

    public static string Name(this DatasetSplit split) => split == DatasetSplit.Eval ? EvalName : TrainName;

    /// <summary>Reads "train" or "eval" (any case); false for anything else.</summary>
    public static bool TryParse(string value, out DatasetSplit split)
    {
        if (string.Equals(value, TrainName, StringComparison.OrdinalIgnoreCase))
        {
            split = DatasetSplit.Train;
            return true;
        }

        split = DatasetSplit.Eval;
        return string.Equals(value, EvalName, StringComparison.OrdinalIgnoreCase);
    }
}
