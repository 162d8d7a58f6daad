namespace HitlLoop.ServiceDefaults;

/// <summary>
/// A message that can never be processed, whatever the retry: it goes straight to the endpoint's error queue,
/// with this message as the fault reason.
/// </summary>
public sealed class MessageValidationException(string message) : Exception(message);
