using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Content;

/// <summary>One category's score (0–1) and the phrases or n-grams that weighed most for it.</summary>
public sealed record CategoryScore(Category Category, double Score, IReadOnlyList<string> Evidence);

/// <summary>The classifier's answer: scores per category, highest first (empty when nothing scored).</summary>
public sealed record ContentVerdict(IReadOnlyList<CategoryScore> Scores)
{
    public static readonly ContentVerdict Clean = new([]);

    /// <summary>The highest-scoring category among <paramref name="blocked"/> at or above <paramref name="threshold"/>, or null.</summary>
    public CategoryScore? FirstBlocked(CategorySet blocked, double threshold)
    {
        foreach (CategoryScore score in Scores)
        {
            if (score.Score >= threshold && (blocked.Contains(score.Category) || Categories.Categories.Sealed.Contains(score.Category)))
            {
                return score;
            }
        }

        return null;
    }
}
