namespace HitlLoop.Contracts;

public enum ReviewPriority
{
    Low = 0,
    Medium = 1,
    High = 2,
    Urgent = 3,
}
