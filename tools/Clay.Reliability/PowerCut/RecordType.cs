namespace Clay.Reliability.PowerCut;

/// <summary>The kinds of record the power-cut layer writes (see clay-powercut.c).</summary>
internal enum RecordType
{
    Write = 1,
    Resize = 2,
    Sync = 3,
    DirSync = 4,
    SyncAll = 5,
    Create = 6,
    MakeDirectory = 7,
    Unlink = 8,
    RemoveDirectory = 9,
    Rename = 10,
    Warn = 11,
}
