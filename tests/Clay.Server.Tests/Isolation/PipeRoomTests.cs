using System.IO.Pipes;
using Clay.Server.Isolation;

namespace Clay.Server.Tests.Isolation;

public sealed class PipeRoomTests
{
    [Fact]
    public void The_room_of_a_pipe_shrinks_by_what_is_written_and_grows_back_as_it_is_read()
    {
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        using var reader = new AnonymousPipeClientStream(PipeDirection.In, writer.ClientSafePipeHandle);
        var room = PipeRoom.Of((int)writer.SafePipeHandle.DangerousGetHandle());
        Assert.NotNull(room);
        var empty = room();
        Assert.True(empty >= 4096, $"{empty}");

        writer.Write(new byte[1000]);
        Assert.Equal(empty - 1000, room());

        reader.ReadExactly(new byte[1000]);
        Assert.Equal(empty, room());
    }

    [Fact]
    public void A_file_is_not_a_pipe()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write);
            Assert.Null(PipeRoom.Of((int)file.DangerousGetHandle()));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
