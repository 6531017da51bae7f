using FilterProxy.Classifier.Model;
using FilterProxy.Classifier.Search;
using FilterProxy.Core.Content;

namespace FilterProxy.Classifier.Tests.Search;

/// <summary>
/// The crisis themes in the languages pupils with English as an additional language speak (issue 22): a statement of
/// suicidal intent, a disclosure of abuse, sextortion, contact from a stranger and a weapon at school are raised in each;
/// an everyday sentence in the same language is not. Written for FilterProxy, not taken from any evaluation set.
/// </summary>
public sealed class MultilingualSearchRiskTests
{
    private static readonly ISearchRiskScorer s_scorer = ShippedModels.SearchRisk();

    private static int Level(string query) => SearchRiskLevels.IndexOf(s_scorer.Score(query).Level);

    private static readonly List<string> SearchRiskLevels = [.. SearchRisk.Levels];

    [Theory]
    // language, suicidal intent (critical), abuse disclosure (high), sextortion (high), stranger contact (high), everyday
    [InlineData("pl", "chcę umrzeć dzisiaj", "tata mnie bije", "szantażuje mnie zdjęciami", "poznałam kogoś w internecie i chce mój adres", "przepis na pierogi")]
    [InlineData("pt", "quero me matar hoje", "meu pai me bate", "ele está me chantageando com meus nudes", "conheci alguém na internet e pediu meu endereço", "receita de bolo de cenoura")]
    [InlineData("ro", "vreau să mor diseară", "tata mă bate", "mă șantajează cu pozele", "mi a cerut adresa un om de pe internet", "rețetă de sarmale")]
    [InlineData("ar", "أريد أن أموت الليلة", "أبي يضربني", "يبتزني بصوري", "طلب عنواني شخص من الإنترنت", "وصفة الكبسة بالدجاج")]
    [InlineData("ur", "میں مرنا چاہتا ہوں", "ابو مجھے مارتے ہیں", "وہ مجھے بلیک میل کر رہا ہے blackmail kar raha hai", "online kisi se mila us ne mera address manga", "چکن بریانی کی ترکیب")]
    [InlineData("ur-Latn", "main marna chahta hoon aaj raat", "abbu mujhe marte hain", "blackmail kar raha hai tasveerein", "online kisi se mili mera address manga", "biryani banane ka tareeqa")]
    [InlineData("pa", "ਮੈਂ ਮਰਨਾ ਚਾਹੁੰਦਾ ਹਾਂ", "ਪਿਤਾ ਮੈਨੂੰ ਮਾਰਦੇ ਹਨ", "blackmail kar reha tasveeran", "online ਕਿਸੇ ਨੇ ਮੇਰਾ address manga", "ਕੱਲ੍ਹ ਦਾ ਮੌਸਮ")]
    [InlineData("bn", "আমি মরতে চাই", "বাবা আমাকে মারে", "আমাকে ব্ল্যাকমেইল করছে", "অনলাইনে একজন আমার ঠিকানা চেয়েছে", "আগামীকালের আবহাওয়া")]
    [InlineData("so", "waxaan rabaa inaan dhinto caawa", "aabahay wuu i garaacaa", "sawiradayda ayuu haystaa wuu i handadayaa", "qof aan internetka ku bartay cinwaankayga ayuu i weydiiyay", "cimilada berri")]
    [InlineData("es", "quiero matarme esta noche", "mi padre me pega", "me está chantajeando con fotos", "conocí a alguien por internet y me pidió mi dirección", "receta de tortilla de patatas")]
    [InlineData("tr", "ölmek istiyorum bu gece", "babam beni dövüyor", "bana şantaj yapıyor fotoğraflarımla", "internette biriyle tanıştım adresimi istedi", "mercimek çorbası tarifi")]
    [InlineData("lt", "noriu mirti šiąnakt", "tėtis mane muša", "šantažuoja mane nuotraukomis", "susipažinau internete prašė mano adreso", "rytojaus orai")]
    [InlineData("fr", "je veux me tuer ce soir", "mon père me frappe", "il me fait du chantage avec mes photos", "il m'a demandé mon adresse sur internet", "recette de crêpes")]
    [InlineData("de", "ich will mich umbringen heute nacht", "mein vater schlägt mich", "er erpresst mich mit bildern", "er will meine adresse jemanden im internet kennengelernt", "rezept für apfelkuchen")]
    [InlineData("it", "voglio morire stasera", "mio padre mi picchia", "mi ricatta con le foto", "conosciuto qualcuno online mi ha chiesto l'indirizzo", "ricetta della pasta")]
    [InlineData("zh", "我想死", "爸爸打我", "他有我的裸照威胁我", "网上认识的人要我的地址", "红烧肉的做法")]
    public void CrisisThemes_AreRaised_AndAnEverydaySearchIsNot(string language, string suicide, string abuse, string sextortion, string contact, string everyday)
    {
        Assert.True(Level(suicide) >= 3, $"{language} suicide: {s_scorer.Score(suicide)}");
        Assert.True(Level(abuse) >= 3, $"{language} abuse: {s_scorer.Score(abuse)}");
        Assert.True(Level(sextortion) >= 3, $"{language} sextortion: {s_scorer.Score(sextortion)}");
        Assert.True(Level(contact) >= 3, $"{language} contact: {s_scorer.Score(contact)}");
        Assert.True(Level(everyday) <= 1, $"{language} everyday: {s_scorer.Score(everyday)}");
    }

    [Theory]
    [InlineData("i want to die tonight", "critical", "suicide")]            // first person + intent
    [InlineData("i w4nt 2 d1e", "high", "suicide")]                         // textspeak and digits, first person
    [InlineData("i will take all my pills tonight and die", "critical", "suicide")]
    [InlineData("kms 2nite", "critical", "suicide")]
    [InlineData("how many paracetamol to die", "critical", "suicide")]
    [InlineData("my dad hits me when he drinks", "high", "abuse")]
    [InlineData("someone has my nudes and wants money", "high", "sexting")]
    [InlineData("a man on roblox asked for my address", "high", "grooming")]
    [InlineData("how to make money going country", "high", "exploitation")]
    [InlineData("bring a knife to school tomorrow", "critical", "violence")]
    [InlineData("how to bypass goguardian", "medium", "circumvention")]
    public void WhatChildrenType_IsRaisedWithItsTheme(string query, string level, string theme)
    {
        SearchRisk risk = s_scorer.Score(query);

        Assert.True(SearchRiskLevels.IndexOf(risk.Level) >= SearchRiskLevels.IndexOf(level), $"{query}: {risk}");
        Assert.Equal(theme, risk.Theme);
    }

    [Theory]
    [InlineData("i want to cut my hair short")]
    [InlineData("how to kill a process in linux")]
    [InlineData("why does romeo kill himself")]
    [InlineData("dog grooming near me")]
    [InlineData("how to fade acne scars")]
    [InlineData("suicide squad game review")]
    [InlineData("ww2 bomb damage in london homework")]
    [InlineData("nerf gun battle ideas")]
    public void BenignLookAlikes_StayLow(string query) => Assert.True(Level(query) <= 1, $"{query}: {s_scorer.Score(query)}");

    [Theory]
    [InlineData(0, null, SearchCues.FirstPerson | SearchCues.Intent, 0)]
    [InlineData(2, "suicide", SearchCues.FirstPerson | SearchCues.Intent, 4)]     // medium + me + intent → critical
    [InlineData(3, "self-harm", SearchCues.FirstPerson | SearchCues.Method, 4)]
    [InlineData(2, "suicide", SearchCues.FirstPerson, 3)]                          // in the first person: at least high
    [InlineData(3, "suicide", SearchCues.None, 3)]
    [InlineData(2, "violence", SearchCues.School | SearchCues.Weapon, 4)]          // a weapon at school → critical
    [InlineData(3, "violence", SearchCues.FirstPerson | SearchCues.Intent, 4)]
    [InlineData(2, "violence", SearchCues.Weapon, 2)]
    [InlineData(2, "drugs", SearchCues.FirstPerson | SearchCues.Intent, 2)]        // the cues raise crisis themes only
    public void Raise_FollowsTheRules(int level, string? theme, SearchCues cues, int expected) =>
        Assert.Equal(expected, SearchRiskScorer.Raise(level, theme, cues));
}
