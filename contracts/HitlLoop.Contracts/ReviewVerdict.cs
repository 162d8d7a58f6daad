namespace HitlLoop.Contracts;

public enum ReviewVerdict
{
    Approved = 0,
    Edited = 1,
    Rejected = 2,
}
