using Microsoft.Extensions.AI;

namespace HitlLoop.Tests.Support;

/// <summary>A chat client that answers what the test says (or fails, or hangs), and keeps what it was asked.</summary>
public sealed class FakeChatClient(Func<IReadOnlyList<ChatMessage>, CancellationToken, Task<string>> answer) : IChatClient
{
    public const string Model = "fake-model";

    public List<IReadOnlyList<ChatMessage>> Asked { get; } = [];

    public static FakeChatClient Answering(string text) => new((_, _) => Task.FromResult(text));

    public static FakeChatClient Failing() => new((_, _) => throw new HttpRequestException("model down"));

    public static FakeChatClient Hanging() => new(async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return "";
    });

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var asked = messages.ToList();
        lock (Asked)
        {
            Asked.Add(asked);
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, await answer(asked, cancellationToken))) { ModelId = Model };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Rules are not streamed.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
