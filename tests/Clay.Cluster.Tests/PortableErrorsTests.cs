using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;

namespace Clay.Cluster.Tests;

public sealed class PortableErrorsTests
{
    [Fact]
    public void An_error_carrying_a_library_s_exception_crosses_as_its_code_and_message_alone()
    {
        var driver = new Npgsql.NpgsqlException("connection refused");
        var error = new ClayException(ErrorCodes.StorageUnavailable, "cannot read the oplog in PostgreSQL: connection refused", driver);

        var portable = PortableErrors.Portable(error);

        Assert.NotSame(error, portable);
        Assert.Equal(ErrorCodes.StorageUnavailable, portable.Code);
        Assert.Equal(error.Message, portable.Message);
        Assert.Null(portable.InnerException);
    }

    [Fact]
    public void Errors_with_only_clay_s_or_dotnet_s_exceptions_and_clay_s_own_subclasses_cross_unchanged()
    {
        var own = new ClayException(ErrorCodes.StorageUnavailable, "disk full", new IOException("no space left"));
        var subclass = new OplogConflictException(new WorkerId("a:b", "w"), 5, 3);

        Assert.Same(own, PortableErrors.Portable(own));
        Assert.Same(subclass, PortableErrors.Portable(subclass));
    }
}
