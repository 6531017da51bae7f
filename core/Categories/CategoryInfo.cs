namespace FilterProxy.Core.Categories;

/// <summary>Describes one category: its stable id, its config name and a human title.</summary>
public sealed record CategoryInfo(Category Id, string Name, string Title, bool Sealed, bool Harmful);
