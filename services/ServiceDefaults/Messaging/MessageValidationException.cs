namespace HitlLoop.ServiceDefaults;

/// <summary>
/// A message that can never be processed, whatever the retry: it goes straight to the endpoint's error queue,
/// with this message as the fault reason.
/// </summary>
public sealed class MessageValidationException(string message) : Exception(message)
{
    /// <summary>Throws when <paramref name="problems"/> is not empty, naming the message type and every problem.</summary>
    public static void ThrowIfAny<TMessage>(IReadOnlyCollection<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new MessageValidationException($"Invalid {typeof(TMessage).Name}: {string.Join("; ", problems)}");
        }
    }
}
