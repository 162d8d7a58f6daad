using System.Text;

namespace HitlLoop.TrainingOrchestrator.Api;

/// <summary>
/// A snapshot file as a read-only stream of known length, rendered line by line as it is read, so a download holds
/// one line in memory whatever the file's size. Seeking is allowed (ASP.NET seeks to serve a range): reading then
/// renders forward to the position, from the start again if it lies behind.
/// </summary>
internal sealed class RenderedFileStream(Func<CancellationToken, IAsyncEnumerable<string>> lines, long length) : Stream
{
    private IAsyncEnumerator<string>? _lines;
    private byte[] _line = [];
    private int _offset;

    /// <summary>Bytes of the file rendered before the start of <see cref="_line"/>'s unread part.</summary>
    private long _rendered;

    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        _position = target;
        return target;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.IsEmpty)
        {
            return 0;
        }

        if (_rendered > _position)
        {
            await RestartAsync();
        }

        var copied = 0;
        while (copied < buffer.Length && _position < length)
        {
            if (_offset == _line.Length && !await NextLineAsync(cancellationToken))
            {
                break;
            }

            // Skip what lies before the position (after a seek), then copy.
            var skip = (int)Math.Min(_position - _rendered, _line.Length - _offset);
            _offset += skip;
            _rendered += skip;
            var take = Math.Min(Math.Min(_line.Length - _offset, buffer.Length - copied), length - _position);
            if (take <= 0)
            {
                continue;
            }

            _line.AsSpan(_offset, (int)take).CopyTo(buffer.Span[copied..]);
            _offset += (int)take;
            _rendered += take;
            _position += take;
            copied += (int)take;
        }

        return copied;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_lines is not null)
        {
            await _lines.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        _lines?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _lines = null;
        base.Dispose(disposing);
    }

    private async Task<bool> NextLineAsync(CancellationToken cancellationToken)
    {
        _lines ??= lines(cancellationToken).GetAsyncEnumerator(cancellationToken);
        if (!await _lines.MoveNextAsync())
        {
            return false;
        }

        _line = Encoding.UTF8.GetBytes(_lines.Current + "\n");
        _offset = 0;
        return true;
    }

    private async Task RestartAsync()
    {
        if (_lines is not null)
        {
            await _lines.DisposeAsync();
        }

        _lines = null;
        _line = [];
        _offset = 0;
        _rendered = 0;
    }
}
